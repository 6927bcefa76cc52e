"""Intake: applicants, applications and eligibility."""

__version__ = "0.1.0"
