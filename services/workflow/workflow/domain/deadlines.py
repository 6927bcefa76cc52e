"""Deadlines in working days: when a case must be accepted and decided, when it counts as
due soon, and whom its reminder and its escalation go to. Plain Python.

``rules`` are the deadline rules in force on the day (``accept_working_days`` and, per record
type, ``decide_working_days``); the unit of work reads them."""

from __future__ import annotations

from datetime import date, timedelta

from credit_common.contracts.events import CaseDeadline
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


def due_soon_until(today: date, days: WorkingCalendar) -> date:
    """A running case due between today and this day is 即将超期: the day the deadline check
    reminds its unit (one working day ahead)."""
    return days.add_working_days(today, 1)


def notice_windows(today: date, days: WorkingCalendar) -> tuple[tuple[str, date, date], ...]:
    """(kind, first due date, last due date) of the cases each notice is for: a reminder one
    working day before the due date, an escalation once it has passed."""
    return (("reminder", today, due_soon_until(today, days)),
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
