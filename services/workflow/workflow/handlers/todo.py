"""An officer's todo list and its figures."""

from __future__ import annotations

from datetime import date

from credit_common.clock import now

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import deadlines
from workflow.domain.model import Case, Officer
from workflow.domain.officers import scope
from workflow.domain.todo import running, todo_statuses, wanted_statuses
from workflow.handlers.working_days import calendar


def due_soon_until(today: date, uow: WorkflowUnitOfWork) -> date:
    return deadlines.due_soon_until(today, uow.calendar.deadline_rules(today), calendar(uow))


def todo(someone: Officer, filters: dict, limit: int, after: tuple | None,
         uow: WorkflowUnitOfWork) -> list[Case]:
    units, districts = scope(someone)
    wanted = wanted_statuses(someone, filters.get("status"), bool(filters.get("due_soon")))
    today = now().date()
    if filters.get("due_soon"):
        filters = {**filters, "due_soon_until": due_soon_until(today, uow)}
    return uow.cases.todo(units, districts, wanted, filters, today, limit, after)


def counts(someone: Officer, uow: WorkflowUnitOfWork) -> dict:
    """The officer's todo list in figures: per status, overdue and due soon, counted over
    the cases the list holds (so each figure matches the list filtered the same way)."""
    units, districts = scope(someone)
    today = now().date()
    wanted = sorted(todo_statuses(someone))
    return {**uow.cases.counts(units, districts, today, wanted),
            "due_soon": uow.cases.due_soon(units, districts, running(wanted), today,
                                           due_soon_until(today, uow))}
