"""Which records an application may hold: of the subject and the type asked, in no other open
application, eligible today (judged with the subject's other records); and, at the counter,
made by the officer's own unit. Plain Python: the records are disclosure's registry records
(``credit_common.contracts.registry``), the open ones are passed in."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from credit_common.contracts.registry import RegistryRecord
from credit_common.contracts.vocabulary import RecordType
from credit_common.errors import Conflict, Forbidden, ValidationFailed
from credit_common.reference.organisation import deciding_unit

from intake.domain import eligibility

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
                   records: list[RegistryRecord], held: Collection[str],
                   rules: eligibility.RuleVersion, day: date) -> list[RegistryRecord]:
    """The records asked for, in the order first asked, each checked; ``held`` are the ids
    in another open application."""
    require_selection(record_ids)
    by_id = {str(r.id): r for r in records}
    chosen = []
    for record_id in dict.fromkeys(str(i) for i in record_ids):
        record = by_id.get(record_id)
        if record is None or record.record_type != record_type:
            raise ValidationFailed("RECORD_NOT_OF_SUBJECT", "所选记录不属于该市场主体或类型不符",
                                   {"record_id": record_id})
        if record_id in held:
            raise Conflict("RECORD_IN_OPEN_APPLICATION", "所选记录已有正在办理的修复申请",
                           {"record_id": record_id})
        answer = eligibility.assess(record, subject.get("kind", ""), rules, day,
                                    subject_records=records)
        if not answer.eligible:
            raise ValidationFailed("RECORD_NOT_ELIGIBLE", answer.reason, {
                "record_id": record_id, "reason_code": answer.reason_code,
                "rule_version": answer.rule_version, "article": answer.article,
                "earliest_eligible_date": answer.as_dict()["earliest_eligible_date"]})
        chosen.append(record)
    return chosen


def require_records_of_unit(records: list[RegistryRecord], subject: dict, record_type: str,
                            officer_unit: str) -> None:
    """An officer files at the counter only for records their own unit made (the unit that
    decides on repairing them, as workflow routes the case)."""
    for record in records:
        unit = deciding_unit(record_type, record.made_by, record.district_code,
                             subject.get("district_code"))
        if unit != officer_unit:
            raise Forbidden("RECORD_NOT_OF_MY_UNIT", "只能为本单位作出的记录代为申请",
                            {"record_id": str(record.id)})
