"""How long each record type stays public, as versioned data: a version applies from its
effective date and a record is judged by the version in force on the day it was listed or
decided. The versions are rows of ``publicity_term_versions`` (the 2021 baseline and the
2025-12-25 measures ship in migration 0010); an administrator adds one, checked against
:class:`PublicityTerms` first, without a code change.

Plain Python (pydantic for the schema, as the contracts use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from credit_common.contracts.vocabulary import PenaltyKind
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
    """What one version says, for every record type."""

    basis: str = Field(min_length=1, max_length=500, description="依据（文件名称、条款）")
    record_types: RecordTypeTerms


@dataclass(frozen=True)
class TermsVersion:
    version: str
    effective_from: date
    terms: PublicityTerms


def terms_on(versions: list[TermsVersion], day: date) -> TermsVersion:
    """The version in force on ``day``; a record older than every version is judged by the
    first."""
    if not versions:
        raise LookupError("no publicity term version")
    applicable = [v for v in versions if v.effective_from <= day]
    if applicable:
        return max(applicable, key=lambda v: v.effective_from)
    return min(versions, key=lambda v: v.effective_from)


def short_penalty(kinds: list[str], fine_amount: Decimal | None, term: PenaltyTerm) -> bool:
    """Only the kinds the short term lists, and a fine (if any) no higher than the low-fine
    threshold: 通报批评 or a low fine, whose publicity lasts the short term."""
    if not term.short_term_months or not kinds:
        return False
    short = {k.value for k in term.short_term_penalty_kinds}
    if term.low_fine_threshold is not None:
        short.add(PenaltyKind.fine.value)
    if not set(kinds) <= short:
        return False
    if PenaltyKind.fine.value in kinds:
        return fine_amount is not None and fine_amount <= term.low_fine_threshold
    return True


def penalty_term_end(start: date, kinds: list[str], fine_amount: Decimal | None,
                     term: PenaltyTerm) -> date:
    if short_penalty(kinds, fine_amount, term):
        return add_months(start, term.short_term_months)
    return add_years(start, term.term_years)


def earliest_listing_date_due(today: date, versions: list[TermsVersion], years_of) -> date:
    """The latest listing date that could be due today under any version (``years_of``
    gives a version's term in years, or None): a cheap SQL pre-filter, never narrower than
    the terms (a day's margin for 29 February); each candidate is then judged by its own
    version. ``date.min`` when no version ends such listings."""
    years = [y for y in (years_of(v.terms) for v in versions) if y]
    return max((add_years(today, -y) + timedelta(days=1) for y in years), default=date.min)


def penalty_start_cutoffs(today: date, versions: list[TermsVersion]
                          ) -> tuple[date, date, list[str]]:
    """Pre-filters for the end of penalty publicity under any version: started on or before
    the first date (the normal term), or on or before the second with only the kinds listed
    (a short term). Never narrower than the terms (m months are at least 28·m days); each
    candidate is then judged by its own version."""
    terms = [t for v in versions for t in (v.terms.record_types.penalty_publicity,
                                           v.terms.record_types.other_department_penalty)]
    long_cutoff = max(add_years(today, -t.term_years) + timedelta(days=1) for t in terms)
    short = [t for t in terms if t.short_term_months]
    short_cutoff = max((today - timedelta(days=28 * t.short_term_months) for t in short),
                       default=date.min)
    kinds = sorted({k.value for t in short for k in t.short_term_penalty_kinds}
                   | ({PenaltyKind.fine.value} if any(t.low_fine_threshold is not None
                                                      for t in short) else set()))
    return long_cutoff, short_cutoff, kinds
