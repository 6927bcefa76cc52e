"""Filings other agencies announce (a late annual report, published or corrected
information) and the listings they cure. Plain Python: no Nameko, no SQLAlchemy.

What cures what, and whether the cured listing is removed at once or waits for an officer's
click, is rule data (``PublicityTerms.listing_cures`` of the version in force on the day of
the cure, a row of ``publicity_term_versions``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from credit_common.contracts.interagency import AnnualReportFiled, InstantInfoPublished
from credit_common.contracts.vocabulary import ListingReason, PublicityState, RecordType
from credit_common.identity import normalise_subject_code, subject_code_kind

from disclosure.domain.agency_records import LIST_REASONS, RejectedMessage


class FilingKind(StrEnum):
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


class Removal(StrEnum):
    """What happens to a cured listing."""
    immediate = "immediate"                        # removed at once by a system decision
    officer_confirmation = "officer_confirmation"  # in the listing unit's todo, one click


REMOVAL_LABELS = {Removal.immediate: "系统自动移出",
                  Removal.officer_confirmation: "待列入机关确认移出"}


#: the lists a filing can cure (a serious listing is no abnormal one)
ABNORMAL_LISTS = (RecordType.abnormal_operation_list, RecordType.individual_abnormal_status,
                  RecordType.cooperative_abnormal_list)


class ListingCure(BaseModel):
    """A filing of ``filing`` kind cures a ``record_type`` listed for ``listing_reason``; an
    entry of a rule version (``rules.PublicityTerms.listing_cures``)."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    filing: FilingKind
    record_type: RecordType
    listing_reason: ListingReason
    removal: Removal

    @field_validator("record_type")
    @classmethod
    def _an_abnormal_list(cls, record_type: RecordType) -> RecordType:
        if record_type not in ABNORMAL_LISTS:
            raise ValueError(f"报送信息只能消除经营异常名录（状态）的列入事由，不适用于 {record_type}")
        return record_type

    @model_validator(mode="after")
    def _a_reason_of_that_list(self) -> ListingCure:
        if self.listing_reason not in LIST_REASONS[self.record_type]:
            raise ValueError(f"列入原因 {self.listing_reason} 不适用于 {self.record_type}")
        return self


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


Filed = AnnualReportFiled | InstantInfoPublished


def filing_kind(is_annual_report: bool, correction: bool) -> str:
    if is_annual_report:
        return FilingKind.annual_report_correction if correction else FilingKind.annual_report
    return FilingKind.instant_info_correction if correction else FilingKind.instant_info


def filed_on(message: Filed) -> date:
    payload = message.payload
    return payload.filed_on if isinstance(message, AnnualReportFiled) else payload.published_on


def check_filing(message: Filed, today: date) -> str:
    """The filing subject's code, normalised, if the filing may be kept at all."""
    code = normalise_subject_code(message.payload.subject_code)
    if subject_code_kind(code) is None:
        raise RejectedMessage("INVALID_SUBJECT_CODE", "统一社会信用代码或注册号校验位错误")
    if filed_on(message) > today:
        raise RejectedMessage("DATE_IN_FUTURE", "filed_on / published_on 晚于今天")
    return code


def unknown_subject(code: str) -> RejectedMessage:
    return RejectedMessage("UNKNOWN_SUBJECT", f"登记信息中没有市场主体 {code}，无法对应其报送的信息")


def filing_of(message: Filed, subject_id: uuid.UUID, received_at: datetime) -> Filing:
    payload = message.payload
    annual = isinstance(message, AnnualReportFiled)
    return Filing(message_id=message.message_id, source_agency=message.source_agency,
                  subject_id=subject_id, kind=filing_kind(annual, payload.correction),
                  filed_on=filed_on(message), received_at=received_at,
                  report_year=payload.report_year if annual else None,
                  items=[] if annual else list(payload.items),
                  reference=payload.filing_reference)


def record_types_cured_by(kind: str, cures) -> list[str]:
    """The list types a filing of this kind can cure under ``cures``."""
    return sorted({str(c.record_type) for c in cures if c.filing == kind})


def cure_for(cures, filing_kind_: str, record_type: str, listing_reason: str | None
             ) -> ListingCure | None:
    """The rule under which a filing of this kind cures this listing, if any."""
    return next((c for c in cures if c.filing == filing_kind_ and c.record_type == record_type
                 and c.listing_reason == listing_reason), None)


def cures_listing(record, filing_kind_: str, filed_on_: date, cures) -> ListingCure | None:
    """A filing cures an active listing of the right type and reason that was listed on or
    before the filing: a filing made before a listing answers an earlier duty, not this one."""
    if record.publicity_state != PublicityState.active or record.listing_date is None:
        return None
    if record.listing_date > filed_on_:
        return None
    return cure_for(cures, filing_kind_, record.record_type, record.listing_reason)


def listings_cured(filing: Filing, listings, cures) -> list[tuple[object, ListingCure]]:
    """Each of ``listings`` the filing cures, with the rule that cures it."""
    return [(record, cure) for record in listings
            if (cure := cures_listing(record, filing.kind, filing.filed_on, cures))]
