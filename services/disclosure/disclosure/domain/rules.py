"""Terms of disclosure as versioned data: each version applies from its effective date, and a
record is judged by the version in force on the day it was listed or decided. A new version
is a new entry here (or, later, a row an administrator adds), never a code change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DisclosureTerms:
    version: str
    effective_from: date
    serious_list_term_years: int          # removed from the serious list after this long
    abnormal_to_serious_years: int        # abnormal-list entry unresolved this long → serious
    penalty_publicity_term_years: int     # a penalty's publicity ends after this long
    basis: str


TERMS: tuple[DisclosureTerms, ...] = (
    DisclosureTerms("2021-baseline", date(2021, 1, 1), 3, 3, 3,
                    "《市场监督管理严重违法失信名单管理办法》第二十一条；"
                    "《市场监督管理行政处罚信息公示规定》第十四条"),
    DisclosureTerms("2025-12-25", date(2025, 12, 25), 3, 3, 3,
                    "《市场监督管理信用修复管理办法》（2025年12月25日施行）"),
)


def terms_on(day: date) -> DisclosureTerms:
    applicable = [t for t in TERMS if t.effective_from <= day]
    return max(applicable, key=lambda t: t.effective_from) if applicable else TERMS[0]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def earliest_listing_date_due(today: date, years_of) -> date:
    """The latest listing date that could be due today under any version: a cheap SQL
    pre-filter; each candidate is then judged by its own version."""
    return max(add_years(today, -years_of(t)) for t in TERMS)
