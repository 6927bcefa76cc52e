"""Filings other agencies announce (a late annual report, published or corrected
information) and the listings they cure. Plain Python: no Nameko, no SQLAlchemy.

What cures what, and whether the cured listing is removed at once or waits for an officer's
click, is rule data (``DisclosureTerms.listing_cures``), chosen by the day of the cure."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime


class FilingKind:
    annual_report = "annual_report"                        # 补报年度报告
    annual_report_correction = "annual_report_correction"  # 更正年度报告
    instant_info = "instant_info"                          # 公示即时信息
    instant_info_correction = "instant_info_correction"    # 更正公示的即时信息


FILING_KIND_LABELS = {
    FilingKind.annual_report: "补报年度报告并公示",
    FilingKind.annual_report_correction: "更正年度报告并公示",
    FilingKind.instant_info: "公示即时信息",
    FilingKind.instant_info_correction: "更正公示的即时信息",
}


class Removal:
    """What happens to a cured listing."""
    immediate = "immediate"                        # removed at once by a system decision
    officer_confirmation = "officer_confirmation"  # in the listing unit's todo, one click


@dataclass(frozen=True)
class ListingCure:
    """A filing of ``filing`` kind cures a ``record_type`` listed for ``listing_reason``."""
    filing: str
    record_type: str
    listing_reason: str
    removal: str


@dataclass
class Filing:
    message_id: uuid.UUID
    source_agency: str
    subject_id: uuid.UUID
    kind: str
    filed_on: date
    received_at: datetime
    report_year: int | None = None
    items: list[str] = field(default_factory=list)
    reference: str | None = None


def filing_kind(is_annual_report: bool, correction: bool) -> str:
    if is_annual_report:
        return FilingKind.annual_report_correction if correction else FilingKind.annual_report
    return FilingKind.instant_info_correction if correction else FilingKind.instant_info


def cure_for(cures, filing_kind_: str, record_type: str, listing_reason: str | None
             ) -> ListingCure | None:
    """The rule under which a filing of this kind cures this listing, if any."""
    return next((c for c in cures if c.filing == filing_kind_ and c.record_type == record_type
                 and c.listing_reason == listing_reason), None)


def cures_listing(record, filing_kind_: str, filed_on: date, cures) -> ListingCure | None:
    """A filing cures an active listing of the right type and reason that was listed on or
    before the filing: a filing made before a listing answers an earlier duty, not this one."""
    if record.publicity_state != "active" or record.listing_date is None:
        return None
    if record.listing_date > filed_on:
        return None
    return cure_for(cures, filing_kind_, record.record_type, record.listing_reason)
