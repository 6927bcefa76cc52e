"""Contracts and plumbing shared by the credit repair services. No business rules live here."""

__version__ = "0.1.0"
