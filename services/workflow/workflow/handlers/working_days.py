"""The working-day calendar: counting working days, and the overrides an administrator keeps."""

from __future__ import annotations

from datetime import date

from prometheus_client import Counter

from credit_common.logging import get_logger

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain.model import Officer
from workflow.domain.officers import require_admin
from workflow.domain.working_days import WorkingCalendar, override_note

log = get_logger(__name__)
FALLBACK_DAYS = Counter("workflow_calendar_fallback_days_total",
                        "Days counted Monday-to-Friday because chinese_calendar does not know "
                        "their year and no override covers them")


def calendar(uow: WorkflowUnitOfWork) -> WorkingCalendar:
    return WorkingCalendar(overrides=uow.calendar.overrides())


def report_fallback_days(days: WorkingCalendar, message: str) -> None:
    """Days the calendar could only guess are logged and counted, never silently assumed."""
    if days.fallback_days:
        log.warning(message, days=sorted(d.isoformat() for d in days.fallback_days))
        FALLBACK_DAYS.inc(len(days.fallback_days))


def day_after_working_days(start: date, days: int, uow: WorkflowUnitOfWork) -> dict:
    result, source = calendar(uow).day_after(start, days)
    return {"date": result.isoformat(), "source": source}


def set_calendar_override(admin: Officer, day: date, is_working: bool, note: str,
                          uow: WorkflowUnitOfWork) -> None:
    require_admin(admin)
    uow.calendar.set_override(day, bool(is_working), override_note(note))
