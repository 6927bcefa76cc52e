"""Checks on a subject's identifiers (DOMAIN.md: USCC or the legacy registration number)."""

from credit_common.identity import is_valid_subject_code

__all__ = ["is_valid_subject_code"]
