"""Terms of disclosure as versioned data: each version applies from its effective date, and a
record is judged by the version in force on the day it was listed or decided (a cured
listing: on the day of the cure). A new version is a new entry here (or, later, a row an
administrator adds), never a code change."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credit_common.contracts.vocabulary import ListingReason, PenaltyKind, RecordType

from disclosure.domain.filings import FilingKind, ListingCure, Removal

ABNORMAL_LISTS = (RecordType.abnormal_operation_list, RecordType.individual_abnormal_status,
                  RecordType.cooperative_abnormal_list)


def _cures(annual_report: Removal, instant_info: Removal, corrections: Removal
           ) -> tuple[ListingCure, ...]:
    """DOMAIN.md's reasons and what removes them, for each list that has the reason (an
    individual business has no instant-information or false-information reason, a
    cooperative no instant-information one)."""
    return (
        *(ListingCure(FilingKind.annual_report, t, ListingReason.annual_report_overdue,
                      annual_report) for t in ABNORMAL_LISTS),
        ListingCure(FilingKind.instant_info, RecordType.abnormal_operation_list,
                    ListingReason.instant_info_not_published, instant_info),
        *(ListingCure(kind, RecordType.abnormal_operation_list,
                      ListingReason.false_information, corrections)
          for kind in (FilingKind.annual_report_correction,
                       FilingKind.instant_info_correction)),
        ListingCure(FilingKind.annual_report_correction, RecordType.cooperative_abnormal_list,
                    ListingReason.false_information, corrections),
    )


@dataclass(frozen=True)
class DisclosureTerms:
    version: str
    effective_from: date
    serious_list_term_years: int          # removed from the serious list after this long
    abnormal_to_serious_years: int        # abnormal-list entry unresolved this long → serious
    penalty_publicity_term_years: int     # a penalty's publicity ends after this long
    basis: str
    #: a penalty that is only these kinds, and a fine no higher than the province's
    #: threshold, is publicised this many months instead of the years above
    penalty_short_term_months: int
    short_publicity_penalty_kinds: frozenset[str]
    low_fine_threshold: Decimal
    #: which filing cures which listing, and whether the listing then goes at once
    listing_cures: tuple[ListingCure, ...]
    cure_basis: str

    def penalty_is_short(self, kinds, fine_amount, severe: bool) -> bool:
        kinds = set(kinds or ())
        light = self.short_publicity_penalty_kinds | {PenaltyKind.fine}
        if severe or not kinds or not kinds <= light:
            return False
        return PenaltyKind.fine not in kinds or (
            fine_amount is not None and Decimal(fine_amount) <= self.low_fine_threshold)

    def penalty_publicity_last_day(self, start: date, kinds, fine_amount,
                                   severe: bool) -> date:
        """The last day a penalty is publicised: the term counts in calendar months or
        years from the day after ``start`` (民法典 第二百零一条), so it ends on the
        same-numbered day of its last month, or that month's last day (第二百零二条)."""
        if self.penalty_is_short(kinds, fine_amount, severe):
            return add_months(start, self.penalty_short_term_months)
        return add_years(start, self.penalty_publicity_term_years)


#: Guangdong's low-fine threshold, as intake's eligibility rules have it
_GUANGDONG_LOW_FINE = Decimal("10000.00")
_SHORT_KINDS = frozenset({PenaltyKind.warning, PenaltyKind.circulated_criticism})

TERMS: tuple[DisclosureTerms, ...] = (
    DisclosureTerms("2021-baseline", date(2021, 1, 1), 3, 3, 3,
                    "《市场监督管理严重违法失信名单管理办法》第二十一条；"
                    "《市场监督管理行政处罚信息公示规定》第十四条",
                    3, _SHORT_KINDS, _GUANGDONG_LOW_FINE,
                    # the subject applied and the listing authority decided: every removal
                    # waits for an officer of the listing unit
                    _cures(Removal.officer_confirmation, Removal.officer_confirmation,
                           Removal.officer_confirmation),
                    "《企业信息公示暂行条例》《企业经营异常名录管理暂行办法》"
                    "《个体工商户年度报告暂行办法》《农民专业合作社年度报告公示暂行办法》"),
    # The 2025 measures' text is not available here (DOMAIN.md). This version is the
    # platform's reading, to change by adding a version: a filed report or published
    # information is its own proof and the listing goes at once; a correction of false
    # information is checked by an officer of the listing unit first.
    DisclosureTerms("2025-12-25", date(2025, 12, 25), 3, 3, 3,
                    "《市场监督管理信用修复管理办法》（2025年12月25日施行）",
                    3, _SHORT_KINDS, _GUANGDONG_LOW_FINE,
                    _cures(Removal.immediate, Removal.immediate,
                           Removal.officer_confirmation),
                    "《市场监督管理信用修复管理办法》（2025年12月25日施行）；"
                    "《企业信息公示暂行条例》"),
)


def terms_on(day: date) -> DisclosureTerms:
    applicable = [t for t in TERMS if t.effective_from <= day]
    return max(applicable, key=lambda t: t.effective_from) if applicable else TERMS[0]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """Calendar-exact: 30 November + 3 months is 28 (or 29) February, never 2 March."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_listing_date_due(today: date, years_of) -> date:
    """The latest listing date that could be due today under any version: a cheap SQL
    pre-filter; each candidate is then judged by its own version."""
    return max(add_years(today, -years_of(t)) for t in TERMS)


@dataclass(frozen=True)
class PenaltyCandidates:
    """A cheap SQL pre-filter for the penalties whose publicity may have ended before
    ``today``, wide enough for every version; each candidate is then judged by its own."""
    today: date
    long_started_by: date
    short_started_by: date
    short_kinds: tuple[str, ...]
    fine_ceiling: Decimal


def penalty_candidates(today: date) -> PenaltyCandidates:
    return PenaltyCandidates(
        today=today,
        long_started_by=max(add_years(today, -t.penalty_publicity_term_years) for t in TERMS),
        short_started_by=max(add_months(today, -t.penalty_short_term_months) for t in TERMS),
        short_kinds=tuple(sorted(set().union(*(t.short_publicity_penalty_kinds for t in TERMS))
                                 | {PenaltyKind.fine})),
        fine_ceiling=max(t.low_fine_threshold for t in TERMS))
