"""两书同达: what the 信用修复告知书 issued with an own penalty tells the subject — whether it
may apply for repair, from which day, on what conditions and with which materials — read
from the eligibility rule version in force on the day it is issued. Plain Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from credit_common.contracts.registry import RegistryRecord

from intake.domain.eligibility import (RuleVersion, add_months, min_publicity_months,
                                       penalty_not_repairable)
from intake.domain.materials import MATERIAL_KINDS

#: the conditions a rule's keys put on a penalty's repair, as the notice words them
CONDITION_TEXTS = {
    "obligations_fulfilled": "已履行行政处罚决定规定的义务（如已缴纳罚款、已按要求改正）",
    "no_same_kind_penalty_since": "自该行政处罚决定作出之日起未再受到同一类别的行政处罚",
    "not_listed_now": "申请时未被列入经营异常名录（经营异常状态）或严重违法失信名单",
}
#: what every repair of a penalty asks (DOMAIN: harmful effects removed), whatever the version
ALWAYS = "已消除违法行为造成的危害后果和不良社会影响"


@dataclass(frozen=True)
class NoticeTerms:
    repairable: bool
    reason: str
    rule_version: str
    article: str
    earliest_date: date | None = None
    conditions: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)


def notice_terms(record: RegistryRecord, rules: RuleVersion, today: date) -> NoticeTerms:
    """The earliest day is the publicity start (the decision day when none is given) plus the
    minimum publicity period, and never before ``today``."""
    rule = rules.for_type(record.record_type)
    article = rule.get("article", "")
    if not rule or not rule.get("repairable", True):
        return NoticeTerms(False, "该类记录不适用信用修复", rules.version, article)
    exempt = penalty_not_repairable(record, rule)
    if exempt:
        return NoticeTerms(False, exempt[1], rules.version, article)
    months = min_publicity_months(record, rule)
    started = record.publicity_start_date or record.decision_date or today
    earliest = max(add_months(started, months), today)
    conditions = ([f"行政处罚信息公示满 {months} 个月"] if months else []) + [
        text for key, text in CONDITION_TEXTS.items() if rule.get(key)] + [ALWAYS]
    materials = [MATERIAL_KINDS.get(m, m) for m in rule.get("materials", [])]
    return NoticeTerms(True, f"公示满 {months} 个月后可申请信用修复" if months
                       else "可申请信用修复", rules.version, article, earliest, conditions,
                       materials)
