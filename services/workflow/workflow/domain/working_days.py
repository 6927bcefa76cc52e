"""Working days in mainland China: ``chinese_calendar`` for the years it knows, an override
table that adds or corrects days, and for a date beyond both, Monday to Friday with a
warning (DOMAIN.md: never crash, never silently stop counting). Plain Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from credit_common.errors import ValidationFailed

#: the longest count an administrator may ask the calendar for
MAX_COUNTED_DAYS = 366


@lru_cache(maxsize=4096)
def _library_is_workday(day: date) -> bool | None:
    """``chinese_calendar``'s answer, None for a year it does not know; remembered, since the
    library checks the date on every call and a due date asks it about a dozen days."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


@dataclass
class WorkingCalendar:
    #: day -> is it a working day (an override wins over the library)
    overrides: dict[date, bool] = field(default_factory=dict)
    #: days judged by the Monday-to-Friday fallback, for the warning and the metric
    fallback_days: set[date] = field(default_factory=set)

    def source(self, day: date) -> str:
        if day in self.overrides:
            return "override"
        return "fallback" if _library_is_workday(day) is None else "calendar"

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        known = _library_is_workday(day)
        if known is None:
            self.fallback_days.add(day)
            return day.weekday() < 5
        return known

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted = start, 0
        while counted < days:
            current += timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def day_after(self, start: date, days: int) -> tuple[date, str]:
        """The ``days``-th working day after ``start``, and what judged it: ``override``,
        ``calendar``, or ``fallback`` if any day counted was beyond both."""
        if not 0 <= days <= MAX_COUNTED_DAYS:
            raise ValidationFailed("INVALID_DAYS", "工作日数应在 0 到 366 之间", {"field": "days"})
        result = self.add_working_days(start, days)
        return result, "fallback" if self.fallback_days else self.source(result)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def override_note(note: str | None) -> str:
    """Each override says why (the State Council notice that moves the day, say)."""
    if not (note or "").strip():
        raise ValidationFailed("NOTE_REQUIRED", "请说明调整原因（如国务院办公厅通知文号）",
                               {"field": "note"})
    return note.strip()
