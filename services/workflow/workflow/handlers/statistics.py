"""Statistics over the cases an officer may see."""

from __future__ import annotations

from credit_common.clock import now

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import statistics as stats
from workflow.domain.model import RUNNING_STATUSES, Officer
from workflow.handlers.working_days import calendar, report_fallback_days


def statistics(someone: Officer, asked: dict, uow: WorkflowUnitOfWork) -> dict:
    """The figures of ``domain.statistics`` over the cases the officer may see: an office its
    own, a district bureau or credit section its district, the city bureau everything."""
    today = now().date()
    query = stats.statistics_query(asked.get("from"), asked.get("to"),
                                   asked.get("district_code"), asked.get("record_type"), today)
    scope = stats.statistics_scope(someone, query.district_code)
    units, districts = scope.units, scope.districts
    start_at, end_at = query.bounds()
    rows = uow.cases.statistics(units, districts, query.record_type, start_at, end_at, today,
                                list(RUNNING_STATUSES))
    spans = uow.cases.handling_spans(units, districts, query.record_type, start_at, end_at)
    decided = uow.cases.decided_by_month(units, districts, query.record_type, start_at, end_at)
    paused = uow.cases.pauses(units, districts, query.record_type, start_at, end_at)
    days = calendar(uow)
    figures = stats.figures(query, rows, spans, decided, days, scope.shown, paused, today)
    report_fallback_days(days, "statistics: working days beyond chinese_calendar, "
                               "Monday to Friday assumed")
    return {**figures, "as_of": today.isoformat(), "scope": scope.view}
