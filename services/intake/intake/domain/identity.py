"""Checks on a subject's identifiers (DOMAIN.md: USCC or the legacy registration number)."""

from stdnum.cn import uscc
from stdnum.iso7064 import mod_11_10


def is_valid_subject_code(code: str) -> bool:
    """An 18-character USCC with a valid GB 32100 check digit, or a 15-digit registration
    number with a valid ISO 7064 MOD 11,10 check digit."""
    code = code.strip().upper()
    if len(code) == 18:
        return uscc.is_valid(code)
    if len(code) == 15 and code.isdigit():
        return mod_11_10.is_valid(code)
    return False
