"""The daily deadline check: reminders before a case falls due, escalations once it has."""

from __future__ import annotations

from datetime import date

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import deadlines
from workflow.domain.model import RUNNING_STATUSES
from workflow.handlers.working_days import calendar, report_fallback_days


def check_deadlines(today: date, uow: WorkflowUnitOfWork) -> dict[str, int]:
    """Remind each case's unit the rules' lead of working days before its due date, and
    escalate to the district's credit section once it is overdue; once per case and due date.
    A returned case is not running: its clock stands still until it is resubmitted."""
    days = calendar(uow)
    sent = {"reminder": 0, "escalation": 0}
    for kind, due_from, due_to in deadlines.notice_windows(
            today, uow.calendar.deadline_rules(today), days):
        for case in uow.cases.claim_deadline_notices(kind, list(RUNNING_STATUSES), due_from,
                                                     due_to):
            uow.publish(deadlines.deadline_notice(case, kind))
            sent[kind] += 1
    report_fallback_days(days, "working days beyond chinese_calendar: Monday to Friday assumed")
    return sent
