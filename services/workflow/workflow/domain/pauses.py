"""The legal clock stops while the applicant corrects (退回补正). Plain Python.

At a return the case keeps the working days left until its decision due date (none when it
was returned before acceptance: no decision clock runs yet). On resubmission the decision due
date is counted again from the resubmission day with the days kept, and the working days
spent returned are added to the case's paused total. A returned case has no running deadline:
no reminder, no escalation, never overdue (``model.RUNNING_STATUSES`` leaves it out).

Days are counted as deadlines are: a return on day R with the decision due on D keeps the
working days after R up to and including D; the working days after R up to and including the
resubmission day S are the paused ones, so the new due date is D moved by exactly those.
"""

from __future__ import annotations

from datetime import date, datetime

from credit_common.clock import SHANGHAI

from workflow.domain.model import Case
from workflow.domain.working_days import WorkingCalendar


def local_day(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


def days_left(on: date, due: date | None, days: WorkingCalendar) -> int | None:
    """Working days after ``on`` up to the due date; 0 once it has passed."""
    return None if due is None else days.working_days_between(on, due)


def pause(case: Case, at: datetime, days: WorkingCalendar) -> None:
    """The case was just returned to the applicant."""
    case.paused_since = at
    case.paused_working_days_left = days_left(local_day(at), case.decide_due, days)
    case.pause_count += 1


def resume(case: Case, at: datetime, days: WorkingCalendar) -> None:
    """The applicant resubmitted: the decision clock runs again with the days kept."""
    if case.paused_since is None:
        return
    left = case.paused_working_days_left
    if left is None:
        # paused before the days were kept at the return: counted from its due date now
        left = days_left(local_day(case.paused_since), case.decide_due, days)
    if left is not None:
        case.decide_due = days.add_working_days(local_day(at), left)
    stop(case, at, days)


def stop(case: Case, at: datetime, days: WorkingCalendar) -> None:
    """The pause ends (resubmitted, or withdrawn while returned): its days join the total."""
    if case.paused_since is None:
        return
    case.paused_working_days_total += days.working_days_between(
        local_day(case.paused_since), local_day(at))
    case.paused_since = None
    case.paused_working_days_left = None


def paused_working_days(case: Case, today: date, days: WorkingCalendar) -> int:
    """Every pause of the case, the running one up to today."""
    running = days.working_days_between(local_day(case.paused_since), today) \
        if case.paused_since is not None else 0
    return case.paused_working_days_total + running
