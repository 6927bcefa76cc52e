"""Disclosure: Public records, the registry of subjects, sync with other agencies."""

__version__ = "0.1.0"
