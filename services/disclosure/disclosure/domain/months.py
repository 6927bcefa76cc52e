"""Calendar arithmetic for terms: whole months and years, clamped to the month's last day
(31 August + 6 months is 28 or 29 February; 29 February + 1 year is 28 February)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)
