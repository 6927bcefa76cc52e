"""Format and checksum checks on identifiers (national standards, not business rules):
a subject's USCC (GB 32100) or legacy registration number (ISO 7064 MOD 11,10), and a
person's resident ID (GB 11643) or non-mainland document."""

from __future__ import annotations

import re

from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_10

from credit_common.contracts.vocabulary import DocumentType


def normalise_subject_code(code: str) -> str:
    return code.strip().upper()


def subject_code_kind(code: str) -> str | None:
    """``"uscc"``, ``"registration_number"``, or None when the code is neither (checksum
    included)."""
    code = normalise_subject_code(code)
    if len(code) == 18 and uscc.is_valid(code):
        return "uscc"
    if len(code) == 15 and code.isdigit() and mod_11_10.is_valid(code):
        return "registration_number"
    return None


def is_valid_subject_code(code: str) -> bool:
    return subject_code_kind(code) is not None


#: rough shapes of the non-mainland documents (their issuers publish no checksum)
_DOCUMENT_PATTERNS = {
    DocumentType.passport: re.compile(r"^[A-Z0-9]{5,17}$"),
    DocumentType.hk_macao_permit: re.compile(r"^[HM]\d{8,10}$"),
    DocumentType.taiwan_permit: re.compile(r"^(\d{8}|\d{10}|T\d{8})$"),
    DocumentType.hk_macao_taiwan_residence_permit: re.compile(r"^8[123]0000\d{11}[\dX]$"),
    DocumentType.foreign_permanent_residence: re.compile(r"^([A-Z]{3}\d{12}|9\d{16}[\dX])$"),
}


def is_valid_document(document_type: str, number: str) -> bool:
    number = number.strip().upper()
    if document_type == DocumentType.resident_id:
        return ric.is_valid(number)
    pattern = _DOCUMENT_PATTERNS.get(document_type)
    return bool(pattern and pattern.match(number))


def mask_document(number: str) -> str:
    """Public views show the first 4 and last 2 characters of an ID number."""
    if len(number) <= 6:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 6) + number[-2:]


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_person_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1) if name else name


_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def is_mainland_mobile(phone: str) -> bool:
    return bool(_MAINLAND_MOBILE.match(phone or ""))
