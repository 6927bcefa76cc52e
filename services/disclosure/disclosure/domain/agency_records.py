"""Other agencies' records as this registry keeps them: what is refused for good, and what a
record or a new subject takes from a message. Plain Python."""

from __future__ import annotations

import uuid
from datetime import date

from credit_common.contracts.interagency import AgencyRecord
from credit_common.identity import normalise_subject_code, subject_code_kind
from credit_common.reference.organisation import DISTRICTS

from disclosure.domain.model import PENALTY_TYPES, Subject


class RejectedMessage(Exception):
    """A message that can never be applied: dead-letter it with this reason."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def check_agency_record(incoming: AgencyRecord, today: date) -> str:
    """The record's subject code, normalised, if the record may be kept at all."""
    code = normalise_subject_code(incoming.subject_code)
    if subject_code_kind(code) is None:
        raise RejectedMessage("INVALID_SUBJECT_CODE", "统一社会信用代码或注册号校验位错误")
    if incoming.district_code not in DISTRICTS:
        raise RejectedMessage("UNKNOWN_DISTRICT", f"未知的区划代码 {incoming.district_code}")
    for name in ("decision_date", "publicity_start_date"):
        value = getattr(incoming, name)
        if value is not None and value > today:
            raise RejectedMessage("DATE_IN_FUTURE", f"{name} 晚于今天")
    if incoming.record_type not in PENALTY_TYPES:
        raise RejectedMessage("UNSUPPORTED_RECORD_TYPE", "其他部门只能推送行政处罚记录")
    return code


def is_stale(incoming_version: int, held_version: int) -> bool:
    """A message no newer than the version held changes nothing (they may overtake)."""
    return incoming_version <= held_version


def new_subject(incoming: AgencyRecord, code: str) -> Subject:
    """A subject first known through another agency: registered, as far as we know, in the
    record's district."""
    return Subject(
        id=uuid.uuid4(), name=incoming.subject_name, kind=incoming.subject_kind,
        district_code=incoming.district_code, registration_unit_code=incoming.district_code,
        uscc=code if len(code) == 18 else None,
        registration_number=code if len(code) == 15 else None)


def record_fields(incoming: AgencyRecord) -> dict:
    """What a record takes from the agency's; publicity starts with the decision unless the
    agency says otherwise."""
    return dict(
        record_type=incoming.record_type, district_code=incoming.district_code,
        decision_number=incoming.decision_number, decision_date=incoming.decision_date,
        publicity_start_date=incoming.publicity_start_date or incoming.decision_date,
        publicity_end_date=incoming.publicity_end_date,
        penalty_domain=incoming.penalty_domain,
        penalty_kinds=[k.value for k in incoming.penalty_kinds],
        fine_amount=incoming.fine_amount, severe=incoming.severe,
        deciding_department_name=incoming.deciding_department_name,
        source_version=incoming.version)
