"""Which records an application may hold: of the subject and the type asked, in no other open
application, eligible today; and, at the counter, made by the officer's own unit. Plain
Python: the records are disclosure's views (plain JSON), the open ones are passed in."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from credit_common.contracts.vocabulary import RecordType
from credit_common.errors import Conflict, Forbidden, ValidationFailed

from intake.domain import eligibility

#: other departments' penalties are handled by the credit section of the district
OTHER_DEPARTMENT_PENALTY = "other_department_penalty"


def checked_record_type(value: str) -> str:
    try:
        return RecordType(value).value
    except ValueError:
        raise ValidationFailed("UNKNOWN_RECORD_TYPE", "未知的记录类型",
                               {"field": "record_type"}) from None


def require_selection(record_ids: list[str]) -> None:
    if not record_ids:
        raise ValidationFailed("NO_RECORD_SELECTED", "请至少选择一条需要修复的记录",
                               {"field": "record_ids"})


def choose_records(subject: dict, record_type: str, record_ids: list[str],
                   records: list[dict], held: Collection[str], rules: eligibility.RuleVersion,
                   day: date) -> list[dict]:
    """The records asked for, in the order first asked, each checked; ``held`` are the ids
    in another open application."""
    require_selection(record_ids)
    by_id = {r["id"]: r for r in records}
    chosen = []
    for record_id in dict.fromkeys(str(i) for i in record_ids):
        record = by_id.get(record_id)
        if record is None or record["record_type"] != record_type:
            raise ValidationFailed("RECORD_NOT_OF_SUBJECT", "所选记录不属于该市场主体或类型不符",
                                   {"record_id": record_id})
        if record_id in held:
            raise Conflict("RECORD_IN_OPEN_APPLICATION", "所选记录已有正在办理的修复申请",
                           {"record_id": record_id})
        answer = eligibility.assess(record, subject.get("kind", ""), rules, day)
        if not answer.eligible:
            raise ValidationFailed("RECORD_NOT_ELIGIBLE", answer.reason, {
                "record_id": record_id, "reason_code": answer.reason_code,
                "rule_version": answer.rule_version, "article": answer.article,
                "earliest_eligible_date": answer.as_dict()["earliest_eligible_date"]})
        chosen.append(record)
    return chosen


def unit_of_record(record: dict, subject: dict, record_type: str) -> str:
    """The unit that made the record: its listing or deciding unit, else the credit section
    of its district; another department's penalty, the credit section of the subject's
    district."""
    if record_type == OTHER_DEPARTMENT_PENALTY:
        return f"{subject.get('district_code') or record['district_code']}90"
    return record.get("listing_unit_code") or record.get("deciding_unit_code") \
        or f"{record['district_code']}90"


def require_records_of_unit(records: list[dict], subject: dict, record_type: str,
                            officer_unit: str) -> None:
    """An officer files at the counter only for records their own unit made."""
    for record in records:
        if unit_of_record(record, subject, record_type) != officer_unit:
            raise Forbidden("RECORD_NOT_OF_MY_UNIT", "只能为本单位作出的记录代为申请",
                            {"record_id": record["id"]})
