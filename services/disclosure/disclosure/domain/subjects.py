"""What identifies a subject, and which subjects an administrator's settings may reach.
Plain Python."""

from __future__ import annotations

from credit_common.errors import Forbidden, ValidationFailed
from credit_common.identity import normalise_subject_code, subject_code_kind

from disclosure.domain.model import Subject


def checked_subject_code(code: str, field: str = "subject_code") -> str:
    code = normalise_subject_code(code or "")
    if subject_code_kind(code) is None:
        raise ValidationFailed("INVALID_SUBJECT_CODE",
                               "统一社会信用代码或注册号格式或校验位错误", {"field": field})
    return code


def require_in_scope(subject: Subject, units: list[str] | None, districts: list[str] | None,
                     code: str) -> None:
    """An administrator sets only a subject their unit (an office) or district (a district
    bureau) registered, any for the city's (None: no limit on that axis)."""
    if ((units is not None and subject.registration_unit_code not in units)
            or (districts is not None and subject.district_code not in districts)):
        raise Forbidden("SUBJECT_OUTSIDE_SCOPE", "只能设置本单位（本辖区）登记的市场主体",
                        {"code": code})
