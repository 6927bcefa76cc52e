"""Format and checksum checks on identifiers (national standards, not business rules):
a subject's USCC (GB 32100) or legacy registration number (ISO 7064 MOD 11,10), and a
person's resident ID (GB 11643) or non-mainland document."""

from __future__ import annotations

import re

from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_10

from credit_common.contracts.vocabulary import DocumentType
from credit_common.errors import ValidationFailed


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


def checked_phone(phone: str, field: str = "phone") -> str:
    phone = (phone or "").strip()
    if not is_mainland_mobile(phone):
        raise ValidationFailed("INVALID_PHONE", "请输入 11 位手机号码", {"field": field})
    return phone


# -- personal data inside free text (log lines, error details, dead-letter headers) ----------

#: a resident ID (GB 11643): region, birth date, sequence, check character; not inside a longer
#: run of digits (an epoch in nanoseconds is 19 digits)
_RESIDENT_ID_IN_TEXT = (r"(?<![0-9])[1-9][0-9]{5}[0-9]{4}(?:0[1-9]|1[0-2])"
                        r"(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])")
#: a mainland mobile, with or without +86 / 0086 / 86 before it
_MOBILE_IN_TEXT = r"(?<![0-9])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9]{9}(?![0-9])"
#: a UUID (request and message ids) is kept whole: a digit run inside one is not a person's
_UUID_IN_TEXT = (r"(?<![0-9a-zA-Z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                r"[0-9a-fA-F]{12}(?![0-9a-zA-Z])")
_PERSONAL_DATA = re.compile(
    f"(?P<uuid>{_UUID_IN_TEXT})|(?P<id>{_RESIDENT_ID_IN_TEXT})|(?P<mobile>{_MOBILE_IN_TEXT})")
#: every match above holds at least 11 digits in a row: most text is passed over at once
_LONG_DIGIT_RUN = re.compile(r"[0-9]{11}")


def _masked(match: re.Match) -> str:
    found = match.group(0)
    if match.lastgroup == "id":
        return mask_document(found)
    if match.lastgroup == "mobile":
        # the prefix (+86) stays; of the number itself the first 3 and last 4 digits
        return found[:-11] + mask_phone(found[-11:])
    return found


def mask_personal_data(text: str) -> str:
    """``text`` with every resident ID number and mainland mobile number in it masked the way
    public views mask them (``mask_document``: first 4 and last 2; ``mask_phone``: first 3
    and last 4). For log lines, error details and dead-letter headers: none of their readers
    needs the full number."""
    if not _LONG_DIGIT_RUN.search(text):
        return text
    return _PERSONAL_DATA.sub(_masked, text)
