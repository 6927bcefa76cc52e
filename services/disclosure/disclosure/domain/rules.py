"""Terms of disclosure as versioned data: how long each record type stays public, and which
filing cures which listing (and whether it then goes at once). A version applies from its
effective date; a record is judged by the version in force on the day it was listed or
decided, a cured listing by the version in force on the day of the cure. The versions are
rows of ``publicity_term_versions`` (the 2021 baseline and the 2025-12-25 measures ship in
migration 0009), the one source of these terms; an administrator adds one, checked against
:class:`PublicityTerms` first, without a code change.

Plain Python (pydantic for the schema, as the contracts use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from credit_common.contracts.vocabulary import PenaltyKind
from disclosure.domain.filings import ListingCure
from disclosure.domain.months import add_months, add_years


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListTerm(_Strict):
    term_years: int | None = Field(
        None, ge=1, le=10, description="届满移出的年限；不填：直至移出")
    escalates_to_serious_after_years: int | None = Field(
        None, ge=1, le=10, description="仍未履行义务满此年限转入严重违法失信名单（仅经营异常名录）")


class PenaltyTerm(_Strict):
    term_years: int = Field(ge=1, le=10, description="行政处罚信息的公示期（年）")
    short_term_months: int | None = Field(
        None, ge=1, le=36, description="仅受下列处罚或较低数额罚款的公示期（月）")
    short_term_penalty_kinds: list[PenaltyKind] = Field(default_factory=list)
    low_fine_threshold: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="较低数额罚款的上限（元，含）")

    @model_validator(mode="after")
    def _short_term_says_for_what(self) -> PenaltyTerm:
        if self.short_term_months and not (self.short_term_penalty_kinds
                                           or self.low_fine_threshold is not None):
            raise ValueError("设定了短期公示期，须同时给出适用的处罚种类或较低数额罚款的上限")
        return self


class RecordTypeTerms(_Strict):
    serious_illegal_list: ListTerm
    abnormal_operation_list: ListTerm
    individual_abnormal_status: ListTerm
    cooperative_abnormal_list: ListTerm
    penalty_publicity: PenaltyTerm
    other_department_penalty: PenaltyTerm

    @model_validator(mode="after")
    def _only_the_abnormal_list_escalates(self) -> RecordTypeTerms:
        for name in ("serious_illegal_list", "individual_abnormal_status",
                     "cooperative_abnormal_list"):
            if getattr(self, name).escalates_to_serious_after_years is not None:
                raise ValueError(f"{name} 不适用 escalates_to_serious_after_years"
                                 "（仅经营异常名录转入严重违法失信名单）")
        return self


class PublicityTerms(_Strict):
    """What one version says, for every record type, and which filing cures which listing."""

    basis: str = Field(min_length=1, max_length=500, description="依据（文件名称、条款）")
    record_types: RecordTypeTerms
    #: a filing of a kind cures a listing of a type and reason, removed at once or by the
    #: listing unit; none listed: no filing cures a listing under this version
    listing_cures: list[ListingCure]
    cure_basis: str | None = Field(None, min_length=1, max_length=500,
                                   description="报送信息消除列入事由的依据")

    @model_validator(mode="after")
    def _each_cure_once_and_with_its_basis(self) -> PublicityTerms:
        keys = [(c.filing, c.record_type, c.listing_reason) for c in self.listing_cures]
        if len(set(keys)) != len(keys):
            raise ValueError("listing_cures 中同一报送类型、名录和列入原因只能出现一次")
        if self.listing_cures and not self.cure_basis:
            raise ValueError("给出 listing_cures 时须同时给出 cure_basis（依据）")
        return self


@dataclass(frozen=True)
class TermsVersion:
    version: str
    effective_from: date
    terms: PublicityTerms

    @property
    def listing_cures(self) -> list[ListingCure]:
        return self.terms.listing_cures

    def penalty_publicity_last_day(self, record_type: str, start: date, kinds,
                                   fine_amount: Decimal | None, severe: bool) -> date:
        return penalty_last_day(start, kinds, fine_amount, severe,
                                getattr(self.terms.record_types, record_type))


def terms_on(versions: list[TermsVersion], day: date) -> TermsVersion:
    """The version in force on ``day``; a record older than every version is judged by the
    first."""
    if not versions:
        raise LookupError("no publicity term version")
    applicable = [v for v in versions if v.effective_from <= day]
    if applicable:
        return max(applicable, key=lambda v: v.effective_from)
    return min(versions, key=lambda v: v.effective_from)


def short_penalty(kinds, fine_amount: Decimal | None, severe: bool, term: PenaltyTerm) -> bool:
    """Only the kinds the short term lists, and a fine (if any) no higher than the low-fine
    threshold, and not flagged severe: 通报批评 or a low fine, publicised the short term."""
    kinds = {str(k) for k in kinds or ()}
    if severe or not term.short_term_months or not kinds:
        return False
    short = {k.value for k in term.short_term_penalty_kinds}
    if term.low_fine_threshold is not None:
        short.add(PenaltyKind.fine.value)
    if not kinds <= short:
        return False
    if PenaltyKind.fine.value in kinds:
        return fine_amount is not None and Decimal(fine_amount) <= term.low_fine_threshold
    return True


def penalty_last_day(start: date, kinds, fine_amount: Decimal | None, severe: bool,
                     term: PenaltyTerm) -> date:
    """The last day a penalty is publicised: the term counts in calendar months or years
    from the day after ``start`` (民法典 第二百零一条), so it ends on the same-numbered day
    of its last month, or that month's last day (第二百零二条)."""
    if short_penalty(kinds, fine_amount, severe, term):
        return add_months(start, term.short_term_months)
    return add_years(start, term.term_years)


def earliest_listing_date_due(today: date, versions: list[TermsVersion], years_of) -> date:
    """The latest listing date that could be due today under any version (``years_of``
    gives a version's term in years, or None): a cheap SQL pre-filter, never narrower than
    the terms (a day's margin for 29 February); each candidate is then judged by its own
    version. ``date.min`` when no version ends such listings."""
    years = [y for y in (years_of(v.terms) for v in versions) if y]
    return max((add_years(today, -y) + timedelta(days=1) for y in years), default=date.min)


@dataclass(frozen=True)
class PenaltyCandidates:
    """A cheap SQL pre-filter for the penalties whose publicity may have ended before
    ``today``, wide enough for every version; each candidate is then judged by its own."""
    today: date
    long_started_by: date
    short_started_by: date
    short_kinds: tuple[str, ...]
    fine_ceiling: Decimal


def penalty_candidates(today: date, versions: list[TermsVersion]) -> PenaltyCandidates:
    terms = [t for v in versions for t in (v.terms.record_types.penalty_publicity,
                                           v.terms.record_types.other_department_penalty)]
    short = [t for t in terms if t.short_term_months]
    kinds = {k.value for t in short for k in t.short_term_penalty_kinds}
    ceilings = [t.low_fine_threshold for t in short if t.low_fine_threshold is not None]
    if ceilings:
        kinds.add(PenaltyKind.fine.value)
    return PenaltyCandidates(
        today=today,
        long_started_by=max((add_years(today, -t.term_years) for t in terms),
                            default=date.min),
        short_started_by=max((add_months(today, -t.short_term_months) for t in short),
                             default=date.min),
        short_kinds=tuple(sorted(kinds)),
        fine_ceiling=max(ceilings, default=Decimal(0)))
