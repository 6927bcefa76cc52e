"""Statistics over cases: the period and filters an officer asks for, and the figures the
charts and the export show. Plain Python: the repository hands in grouped rows, the working
calendar counts the days.

What each figure means (the API description repeats it):
- the cases counted are those *submitted* within the period (Asia/Shanghai dates);
- ``decided``: cases with a decision (不予受理, 准予修复 or 不予修复, closed or revoked later);
- ``overdue``: cases still running (待受理 to 审批中) whose due date has passed; a decided
  case is never overdue, a returned one waits for the applicant;
- ``decided_late``: decided after their due date (受理期限 for 不予受理, 办理期限 otherwise);
- ``average_working_days``: working days from acceptance to decision (after the acceptance
  day, up to and including the decision day), over the accepted and decided cases;
- ``paused``: cases returned for correction and not yet resubmitted (their clock stands
  still); ``paused_cases``: cases returned at least once; ``average_paused_working_days``:
  the working days those spent returned, every pause, a running one up to today;
- ``monthly``: per month of the period, cases submitted and decisions made in that month
  (a decision counts in the month it was made, whenever its case was submitted).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from credit_common.clock import SHANGHAI
from credit_common.contracts.vocabulary import RECORD_TYPE_LABELS
from credit_common.errors import Forbidden, ValidationFailed
from credit_common.reference.organisation import DISTRICTS, UnitKind, unit

from workflow.domain.model import Officer
from workflow.domain.officers import scope
from workflow.domain.working_days import WorkingCalendar

#: a longer period would make a monthly trend no chart can show
MAX_PERIOD_DAYS = 3 * 366
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
#: only YYYY-MM-DD (``date.fromisoformat`` would take 20250401 and 2025-W14 too)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
FIGURES = ("cases", "decided", "overdue", "decided_late", "paused")


class StatisticsQuery(NamedTuple):
    start: date
    end: date
    district_code: str | None = None
    record_type: str | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as [start, end) instants: whole Asia/Shanghai days, both ends included."""
        return (datetime.combine(self.start, time(), SHANGHAI),
                datetime.combine(self.end + timedelta(days=1), time(), SHANGHAI))


class StatisticsScope(NamedTuple):
    #: the units and districts counted (None: no limit on that axis), as ``officers.scope``
    units: list[str] | None
    districts: list[str] | None
    #: the districts the figures list, each even with no case
    shown: list[str]
    #: the answer's ``scope``: level (city, district or unit), unit_code, district_code
    view: dict


def statistics_scope(someone: Officer, district_code: str | None) -> StatisticsScope:
    """The cases the officer may count: an office its own, a district bureau or credit
    section its district, the city bureau everything; narrowed to one district if asked,
    and only to one the officer may see."""
    units, districts = scope(someone)
    mine = unit(someone.unit_code)
    if district_code:
        outside = mine is None \
            or (districts is not None and district_code not in districts) \
            or (units is not None and mine.district_code != district_code)
        if outside:
            raise Forbidden("DISTRICT_NOT_IN_SCOPE", "只能统计本单位或本辖区的案件",
                            {"field": "district"})
        districts = [district_code]
    if districts is not None:
        shown = list(districts)
    elif units is None:
        shown = sorted(DISTRICTS)
    else:
        shown = [mine.district_code] if mine and mine.district_code else []
    level = "city" if mine and mine.kind == UnitKind.city_bureau else \
        "unit" if units is not None else "district"
    return StatisticsScope(units, districts, shown, {
        "level": level, "unit_code": someone.unit_code,
        "district_code": mine.district_code if mine else None})


def _day(value: str, field: str) -> date:
    value = str(value).strip()
    try:
        if not ISO_DAY.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("INVALID_DATE", "日期格式应为 YYYY-MM-DD", {"field": field}) \
            from None
    if not EARLIEST <= day <= LATEST:
        raise ValidationFailed("INVALID_DATE", "日期应在 2000 年至 2099 年之间", {"field": field})
    return day


def statistics_query(period_from: str | None, period_to: str | None, district_code: str | None,
                     record_type: str | None, today: date) -> StatisticsQuery:
    """The period defaults to the calendar year (of the one end given, else this year)."""
    start = _day(period_from, "from") if period_from else None
    end = _day(period_to, "to") if period_to else None
    start = start or date((end or today).year, 1, 1)
    end = end or date(start.year if period_from else today.year, 12, 31)
    if start > end:
        raise ValidationFailed("INVALID_PERIOD", "统计期间的开始日期不能晚于结束日期",
                               {"field": "from", "from": start.isoformat(),
                                "to": end.isoformat()})
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed("PERIOD_TOO_LONG", "统计期间不能超过三年", {"field": "to"})
    district_code = (district_code or "").strip() or None
    if district_code is not None and district_code not in DISTRICTS:
        raise ValidationFailed("UNKNOWN_DISTRICT", "未知的区划代码", {"field": "district"})
    record_type = (record_type or "").strip() or None
    if record_type is not None and record_type not in RECORD_TYPE_LABELS:
        raise ValidationFailed("INVALID_RECORD_TYPE", "未知的信用记录类型",
                               {"field": "record_type"})
    return StatisticsQuery(start, end, district_code, record_type)


def months(start: date, end: date) -> list[str]:
    """``YYYY-MM`` of every month the period touches."""
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


class _Tally:
    def __init__(self):
        self.figures = dict.fromkeys(FIGURES, 0)
        self.spans = 0
        self.span_days = 0
        self.paused_cases = 0
        self.paused_days = 0

    def add(self, row: dict) -> None:
        for name in FIGURES:
            self.figures[name] += int(row[name])

    def add_span(self, working_days: int, cases: int) -> None:
        self.spans += cases
        self.span_days += working_days * cases

    def add_pauses(self, working_days: int, cases: int) -> None:
        self.paused_cases += cases
        self.paused_days += working_days * cases

    def view(self) -> dict:
        return {**self.figures, "average_working_days":
                round(self.span_days / self.spans, 2) if self.spans else None,
                "paused_cases": self.paused_cases, "average_paused_working_days":
                round(self.paused_days / self.paused_cases, 2) if self.paused_cases else None}


def figures(query: StatisticsQuery, rows: Iterable[dict], spans: Iterable[dict],
            decided_by_month: dict[str, int], days: WorkingCalendar,
            districts_in_scope: list[str], pauses: Iterable[dict] = (),
            today: date | None = None) -> dict:
    """``rows``: per unit, district, record type, status and submission month, the counts of
    FIGURES; ``spans``: per unit, district and record type, (accepted_on, decided_on, cases);
    ``pauses``: per unit, district and record type of the cases ever returned, (ended_days,
    paused_on of the running pause or None, cases)."""
    total = _Tally()
    by = {"unit_code": {}, "district_code": {}, "record_type": {}}
    for district in districts_in_scope:
        by["district_code"][district] = _Tally()
    for record_type in ([query.record_type] if query.record_type else RECORD_TYPE_LABELS):
        by["record_type"][str(record_type)] = _Tally()
    by_status: dict[str, int] = {}
    submitted = dict.fromkeys(months(query.start, query.end), 0)
    for row in rows:
        total.add(row)
        for key, groups in by.items():
            groups.setdefault(row[key], _Tally()).add(row)
        by_status[row["status"]] = by_status.get(row["status"], 0) + int(row["cases"])
        submitted[row["month"]] = submitted.get(row["month"], 0) + int(row["cases"])
    counted: dict[tuple[date, date], int] = {}
    for span in spans:
        pair = (span["accepted_on"], span["decided_on"])
        if pair not in counted:
            counted[pair] = days.working_days_between(*pair)
        total.add_span(counted[pair], int(span["cases"]))
        for key, groups in by.items():
            groups.setdefault(span[key], _Tally()).add_span(counted[pair], int(span["cases"]))
    for pause in pauses:
        running = days.working_days_between(pause["paused_on"], today) \
            if pause["paused_on"] is not None and today is not None else 0
        paused_days = int(pause["ended_days"]) + running
        total.add_pauses(paused_days, int(pause["cases"]))
        for key, groups in by.items():
            groups.setdefault(pause[key], _Tally()).add_pauses(paused_days, int(pause["cases"]))
    overall = total.view()
    return {
        "period": {"from": query.start.isoformat(), "to": query.end.isoformat()},
        "filters": {"district_code": query.district_code, "record_type": query.record_type},
        **{name: overall[name] for name in FIGURES},
        "average_handling_working_days": overall["average_working_days"],
        "averaged_cases": total.spans,
        "paused_cases": total.paused_cases,
        "average_paused_working_days": overall["average_paused_working_days"],
        "by_unit": [{"unit_code": code, **t.view()} for code, t in sorted(
            by["unit_code"].items(), key=lambda item: item[0] or "")],
        "by_district": [{"district_code": code, **t.view()} for code, t in sorted(
            by["district_code"].items(), key=lambda item: item[0] or "")],
        "by_record_type": [{"record_type": code, **t.view()}
                           for code, t in by["record_type"].items()],
        "by_status": by_status,
        "monthly": [{"month": month, "submitted": submitted.get(month, 0),
                     "decided": int(decided_by_month.get(month, 0))}
                    for month in months(query.start, query.end)],
    }
