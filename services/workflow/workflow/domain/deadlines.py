"""Deadlines in working days: when a case must be accepted and decided, when it counts as
due soon, and whom its reminder and its escalation go to; and the check a new version of the
deadline rules passes before it is stored. Plain Python.

``rules`` are the deadline rules in force on the day (``accept_working_days``, per record
type ``decide_working_days``, and ``remind_working_days_before``); the unit of work reads
them."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import ValidationError

from credit_common.contracts.deadlines import DeadlineRuleVersionCreate
from credit_common.contracts.events import CaseDeadline
from credit_common.errors import ValidationFailed
from credit_common.reference.organisation import credit_section_code, unit

from workflow.domain.model import Case
from workflow.domain.working_days import WorkingCalendar

#: the escalation looks at every overdue case, however old
EARLIEST_DUE = date(2000, 1, 1)


def accept_due(day: date, rules: dict, days: WorkingCalendar) -> date:
    return days.add_working_days(day, int(rules["accept_working_days"]))


def decide_working_days(rules: dict, record_type: str) -> int:
    return rules["decide_working_days"][record_type]


def decide_due(day: date, record_type: str, rules: dict, days: WorkingCalendar) -> date:
    return days.add_working_days(day, int(decide_working_days(rules, record_type)))


def reminder_lead(rules: dict) -> int:
    """How many working days before its due date a case's unit is reminded."""
    return int(rules["remind_working_days_before"])


def due_soon_until(today: date, rules: dict, days: WorkingCalendar) -> date:
    """A running case due between today and this day is 即将超期: the day up to which the
    deadline check reminds its unit (the lead of the rules in force)."""
    return days.add_working_days(today, reminder_lead(rules))


def notice_windows(today: date, rules: dict, days: WorkingCalendar
                   ) -> tuple[tuple[str, date, date], ...]:
    """(kind, first due date, last due date) of the cases each notice is for: a reminder the
    rules' lead of working days before the due date, an escalation once it has passed."""
    return (("reminder", today, due_soon_until(today, rules, days)),
            ("escalation", EARLIEST_DUE, today - timedelta(days=1)))


def deadline_notice(case: Case, kind: str) -> CaseDeadline:
    """A reminder goes to the case's unit; an escalation to its district's credit section."""
    found = unit(case.unit_code or "")
    district = found.district_code if found else case.district_code
    return CaseDeadline(
        case_id=case.id, acceptance_number=case.acceptance_number,
        subject_name=case.subject_name, kind=kind,
        due=case.decide_due or case.accept_due, status=case.status,
        unit_code=case.unit_code or "", handler_id=case.handler_id,
        recipient_unit_code=case.unit_code if kind == "reminder"
        else credit_section_code(district))


def checked_rule_version(asked: dict, today: date) -> DeadlineRuleVersionCreate:
    """A new version of the deadline rules as the schema wants it, in force from a day after
    today: the rules in force are never rewritten, so every deadline already counted keeps the
    version it was counted by."""
    try:
        checked = DeadlineRuleVersionCreate.model_validate(asked)
    except ValidationError as invalid:
        fields = [{"field": ".".join(str(p) for p in e["loc"]), "type": e["type"]}
                  for e in invalid.errors()]
        raise ValidationFailed(
            "INVALID_DEADLINE_RULES",
            "期限规则不符合要求：受理时限 1 至 20 个工作日，六类记录各有办理时限 1 至 60 个工作日，"
            "到期前提醒 0 至 10 个工作日，版本号和依据必填", {"fields": fields}) from None
    if checked.effective_from <= today:
        raise ValidationFailed("EFFECTIVE_DATE_NOT_IN_FUTURE",
                               "新规则版本的生效日期必须晚于今天（已生效的规则不可追溯修改）",
                               {"field": "effective_from"})
    return checked
