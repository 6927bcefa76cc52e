"""Whether a record may be repaired, under the rule version in force on a given day.

Rules are data (``rule_versions`` table; the 2021 baseline ships in a migration, an
administrator adds later versions with their effective dates). Every answer names the rule
version and the article it applied, and, where waiting helps, the first day it will hold.
Plain Python: no Nameko, no SQLAlchemy.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from credit_common.contracts.registry import RegistryRecord
from credit_common.contracts.vocabulary import PublicityState, RecordType, SubjectKind
from credit_common.errors import ValidationFailed

from intake.domain import rule_schema
from intake.domain.subject_conditions import (ON_OTHER_RECORDS, ON_RECORD_ITSELF,
                                              first_breach, proof_of_fulfilment_asked)

LIST_TYPES = {RecordType.serious_illegal_list, RecordType.abnormal_operation_list,
              RecordType.individual_abnormal_status, RecordType.cooperative_abnormal_list}
SUBJECT_KINDS_FOR = {
    RecordType.abnormal_operation_list: {SubjectKind.enterprise},
    RecordType.serious_illegal_list: {SubjectKind.enterprise},
    RecordType.individual_abnormal_status: {SubjectKind.individual_business},
    RecordType.cooperative_abnormal_list: {SubjectKind.cooperative},
}


def add_months(day: date, months: int) -> date:
    """Calendar-exact: 31 August + 6 months is 28 (or 29) February, never 2 March."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RuleVersion:
    version: str
    effective_from: date
    rules: dict[str, Any]

    def for_type(self, record_type: str) -> dict[str, Any]:
        return self.rules.get("record_types", {}).get(record_type, {})


def rule_in_force(versions: list[RuleVersion], on: date) -> RuleVersion:
    """The version with the latest effective date not after ``on``."""
    candidates = [v for v in versions if v.effective_from <= on]
    if not candidates:
        raise LookupError(f"no eligibility rule version in force on {on}")
    return max(candidates, key=lambda v: v.effective_from)


@dataclass
class Answer:
    record_id: str
    eligible: bool
    reason_code: str | None
    reason: str
    rule_version: str
    article: str
    earliest_eligible_date: date | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "record_id": self.record_id, "eligible": self.eligible,
            "reason_code": self.reason_code, "reason": self.reason,
            "rule_version": self.rule_version, "article": self.article,
            "earliest_eligible_date": self.earliest_eligible_date.isoformat()
            if self.earliest_eligible_date else None,
        }


ELIGIBLE = "符合信用修复条件"
PROVE_FULFILMENT = ("；登记信息中尚无罚款缴纳等义务已履行的记录，"
                    "请在申请材料中上传履行义务的证明材料")


def assess(record: RegistryRecord, subject_kind: str, rules: RuleVersion, today: date,
           in_open_application: bool = False,
           subject_records: list[RegistryRecord] | None = None) -> Answer:
    """The eligibility answer for one record, as the registry shows it.

    ``subject_records``: every record of the subject as the registry shows it now, for the
    conditions on the rest of its record (``subject_conditions``); None where they are not
    known (the officer page's view as submitted), and those conditions are not judged."""
    record_type = record.record_type
    rule = rules.for_type(record_type)
    article = rule.get("article", "")

    def answer(eligible, code=None, reason="", earliest=None, **details):
        if eligible and proof_of_fulfilment_asked(record, rule):
            reason = ELIGIBLE + PROVE_FULFILMENT
        return Answer(str(record.id), eligible, code, reason or ELIGIBLE,
                      rules.version, article, earliest, details)

    def conditions() -> Answer | None:
        only = None if subject_records is not None else ON_RECORD_ITSELF
        breach = first_breach(record, subject_records or [], rule, only)
        return answer(False, breach.reason_code, breach.reason) if breach else None

    if not rule or not rule.get("repairable", True):
        return answer(False, "TYPE_NOT_REPAIRABLE", "该类记录不适用信用修复")
    if record.publicity_state != PublicityState.active:
        return answer(False, "NOT_PUBLICISED", "该记录当前未在公示，无需修复")
    if in_open_application:
        return answer(False, "IN_OPEN_APPLICATION", "该记录已有正在办理的修复申请")
    allowed_kinds = SUBJECT_KINDS_FOR.get(record_type)
    if allowed_kinds and subject_kind not in allowed_kinds:
        return answer(False, "WRONG_SUBJECT_KIND", "该记录类型与市场主体类型不符")
    if record_type in LIST_TYPES:
        return _assess_listing(record, rule, today, answer, conditions)
    return _assess_penalty(record, rule, today, answer, conditions)


def recheck(record: RegistryRecord, rules: RuleVersion,
            subject_records: list[RegistryRecord]) -> Answer | None:
    """At the decision: the conditions on the subject's other records, which may have
    changed since submission, under the version the application was judged by. None when
    none is broken."""
    rule = rules.for_type(record.record_type)
    breach = first_breach(record, subject_records, rule, ON_OTHER_RECORDS)
    if breach is None:
        return None
    return Answer(str(record.id), False, breach.reason_code, breach.reason, rules.version,
                  rule.get("article", ""))


def _assess_listing(record: RegistryRecord, rule, today, answer, conditions) -> Answer:
    reason = record.listing_reason
    repairable = rule.get("repairable_reasons")
    if repairable is not None and reason not in repairable:
        return answer(False, "REASON_NOT_REPAIRABLE", "该列入原因不能通过申请移出")
    refused = conditions()
    if refused:
        return refused
    months = int(rule.get("min_listed_months", 0))
    return (_too_early(answer, "LISTED_TOO_SHORT", "列入", record.listing_date, months, today)
            or answer(True))


def _assess_penalty(record: RegistryRecord, rule, today, answer, conditions) -> Answer:
    kinds = set(record.penalty_kinds)
    if record.severe or kinds & set(rule.get("not_repairable_penalty_kinds", [])):
        return answer(False, "SEVERE_PENALTY",
                      "该行政处罚属于依法不予提前移出公示的情形（如吊销许可证件、责令停产停业等）")
    short = set(rule.get("short_publicity_penalty_kinds", []))
    fine = record.fine_amount
    threshold = _decimal(rule.get("low_fine_threshold"))
    only_light = kinds and kinds <= short | {"fine"} and not (
        "fine" in kinds and (fine is None or threshold is None or fine > threshold))
    if only_light:
        return answer(False, "SHORT_PUBLICITY_ONLY",
                      "仅受警告、通报批评或较低数额罚款的处罚，公示期满自动停止公示，无需申请修复")
    refused = conditions()
    if refused:
        return refused
    started = record.publicity_start_date or record.decision_date
    by_domain = rule.get("min_publicity_months_by_domain", {})
    months = int(by_domain.get(record.penalty_domain or "", rule.get(
        "min_publicity_months", 0)))
    return (_too_early(answer, "PUBLICITY_TOO_SHORT", "公示", started, months, today)
            or answer(True))


def _too_early(answer, code: str, what: str, since: date | None, months: int,
               today: date) -> Answer | None:
    """The refusal while ``months`` from ``since`` have not run (no wait without either)."""
    if months and since:
        earliest = add_months(since, months)
        if earliest > today:
            return answer(False, code,
                          f"{what}满 {months} 个月后方可申请，最早可于 {earliest:%Y年%m月%d日} 申请",
                          earliest)
    return None


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def required_materials(rules: RuleVersion, record_type: str) -> list[str]:
    return list(rules.for_type(record_type).get("materials", []))


def signing_required(rules: RuleVersion, record_type: str) -> bool:
    return bool(rules.for_type(record_type).get("signing_required", False))


def facts_required(rules: RuleVersion, record_type: str) -> bool:
    return bool(rules.for_type(record_type).get("facts_and_reasons_required", False))


def require_future_start(effective_from: date, today: date) -> None:
    """A new version of intake's rules starts after today: one in force is never rewritten."""
    if effective_from <= today:
        raise ValidationFailed("EFFECTIVE_DATE_NOT_IN_FUTURE",
                               "新规则版本的生效日期必须晚于今天（已生效的规则不可追溯修改）",
                               {"field": "effective_from"})


def check_new_version(effective_from: date, rules: dict, today: date) -> None:
    """A new rule version starts after today (a version in force is never rewritten) and
    passes the schema (``rule_schema``)."""
    require_future_start(effective_from, today)
    rule_schema.check(rules)
