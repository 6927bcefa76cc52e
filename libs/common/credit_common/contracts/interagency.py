"""The inter-agency bus: what other agencies publish to us and what we publish to them.

An external contract (documented in ``services/disclosure/asyncapi.yaml``), so it is plain
JSON, not a Nameko event. Every message is persistent, carries the AMQP ``message_id``
property, and its body is an envelope: ``schema_version``, ``message_id``, ``source_agency``,
``occurred_at`` and ``payload``. The routing key names what the payload is and its version:
inbound ``record.upserted.v1`` and ``record.withdrawn.v1`` (records), ``annual_report.filed.v1``
and ``instant_info.published.v1`` (filings that can cure an abnormal listing), outbound
``record.publicity_changed.v1`` and ``record.penalty_withdrawn.v1``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from credit_common.contracts.vocabulary import (ListingReason, PenaltyDomain, PenaltyKind,
                                                RecordType, SubjectKind)

SCHEMA_VERSION = "1.0"
AGENCY_CODE = r"^[a-z][a-z0-9-]{1,39}$"
OUR_AGENCY = "samr-guangzhou"

UPSERTED = "record.upserted.v1"
WITHDRAWN = "record.withdrawn.v1"
ANNUAL_REPORT_FILED = "annual_report.filed.v1"
INSTANT_INFO_PUBLISHED = "instant_info.published.v1"
PUBLICITY_CHANGED = "record.publicity_changed.v1"
PENALTY_WITHDRAWN = "record.penalty_withdrawn.v1"
#: what we publish: every publicity change, and the withdrawal of a penalty of ours with its ruling
OUTBOUND_ROUTING_KEYS = (PUBLICITY_CHANGED, PENALTY_WITHDRAWN)
#: what a partner publishes about its own records; filings are announced by the system
#: subjects file them in (``partner_agencies.json`` says which partner may publish which)
RECORD_ROUTING_KEYS = (UPSERTED, WITHDRAWN)
FILING_ROUTING_KEYS = (ANNUAL_REPORT_FILED, INSTANT_INFO_PUBLISHED)
INBOUND_ROUTING_KEYS = (*RECORD_ROUTING_KEYS, *FILING_ROUTING_KEYS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


#: what a record of each kind must carry, and must not (the other kind's fields)
PENALTY_FIELDS = ("decision_number", "decision_date", "penalty_kinds", "deciding_department_name")
LISTING_FIELDS = ("listing_reason", "listing_date", "listing_unit_code")
_PENALTY_ONLY = (*PENALTY_FIELDS, "publicity_start_date", "publicity_end_date", "fine_amount",
                 "deciding_unit_code")
_LISTING_ONLY = (*LISTING_FIELDS, "listing_document_number")
LIST_RECORD_TYPES = frozenset({RecordType.serious_illegal_list, RecordType.abnormal_operation_list,
                               RecordType.individual_abnormal_status,
                               RecordType.cooperative_abnormal_list})
UNIT_CODE = r"^\d{6}(\d{2})?$"


class AgencyRecord(_Strict):
    """A record an agency holds against a subject: another department's administrative
    penalty that we disclose for it, or (from the market supervision bureau's own systems) a
    penalty of ours or an entry on one of the four lists. A penalty carries the decision's
    fields, a listing the listing's; neither carries the other's."""

    source_record_id: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=0, description="grows with every change the agency makes")
    record_type: RecordType = RecordType.other_department_penalty
    subject_code: str = Field(min_length=15, max_length=18, description="USCC or registration number")
    subject_name: str = Field(min_length=1, max_length=200)
    subject_kind: SubjectKind = SubjectKind.enterprise
    district_code: str = Field(pattern=r"^\d{6}$")
    # penalties
    decision_number: str | None = Field(None, min_length=1, max_length=100)
    decision_date: date | None = None
    publicity_start_date: date | None = None
    publicity_end_date: date | None = None
    penalty_domain: PenaltyDomain = PenaltyDomain.other
    penalty_kinds: list[PenaltyKind] = Field(default_factory=list)
    fine_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    severe: bool = False
    deciding_department_name: str | None = Field(None, min_length=1, max_length=200)
    deciding_unit_code: str | None = Field(
        None, pattern=UNIT_CODE, description="our unit that made the penalty (penalty_publicity)")
    # listings
    listing_reason: ListingReason | None = None
    listing_date: date | None = None
    listing_unit_code: str | None = Field(None, pattern=UNIT_CODE,
                                          description="our unit that listed the subject")
    listing_document_number: str | None = Field(None, min_length=1, max_length=100)
    # either
    obligations_fulfilled_on: date | None = Field(
        None, description="when the fine was paid and the other obligations fulfilled; "
                          "absent: not known to the sender")

    @model_validator(mode="after")
    def _fields_of_its_kind(self) -> AgencyRecord:
        listing = self.record_type in LIST_RECORD_TYPES
        required, foreign = ((LISTING_FIELDS, _PENALTY_ONLY) if listing
                             else (PENALTY_FIELDS, _LISTING_ONLY))
        kind = "列入名单记录" if listing else "行政处罚记录"
        missing = [f for f in required if getattr(self, f) in (None, [])]
        if missing:
            raise ValueError(f"{kind}缺少必填字段：{'、'.join(missing)}")
        present = [f for f in foreign if getattr(self, f) not in (None, [])]
        if present:
            raise ValueError(f"{kind}不应包含字段：{'、'.join(present)}")
        return self


class Withdrawal(_Strict):
    """The agency withdraws a record (a penalty revoked on review) or, for a listing, removes
    the subject from the list (移出; an individual business's status is restored)."""

    source_record_id: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=0)
    reason: str = Field(min_length=1, max_length=500)
    document_number: str | None = Field(None, min_length=1, max_length=100,
                                        description="the removal or revocation decision's number")


class _Envelope(_Strict):
    schema_version: Literal["1.0"]
    message_id: uuid.UUID
    source_agency: str = Field(pattern=AGENCY_CODE)
    occurred_at: datetime = Field(description="when the change happened at the source")


class RecordUpserted(_Envelope):
    """``record.upserted.v1``: a record created or changed at the source agency."""

    payload: AgencyRecord


class RecordWithdrawn(_Envelope):
    """``record.withdrawn.v1``: the source agency withdrew a record (e.g. the penalty was
    revoked on review)."""

    payload: Withdrawal


class AnnualReportFiling(_Strict):
    """A subject filed an annual report late (补报), or corrected one it had filed."""

    subject_code: str = Field(min_length=15, max_length=18,
                              description="USCC or registration number")
    report_year: int = Field(ge=2000, le=2100, description="the year the report covers")
    filed_on: date = Field(description="the day the report was filed and published")
    correction: bool = Field(False, description="corrects a report found to hide the truth "
                                                "or to be false (更正)")
    filing_reference: str | None = Field(None, min_length=1, max_length=64,
                                         description="the filing's id at the source")


class InstantInfoPublication(_Strict):
    """A subject published information it had been ordered to publish (即时信息), or corrected
    information found to hide the truth or to be false."""

    subject_code: str = Field(min_length=15, max_length=18,
                              description="USCC or registration number")
    published_on: date
    items: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=20,
        description="what was published, e.g. 股东认缴和实缴的出资额")
    correction: bool = Field(False, description="corrects published information (更正)")
    filing_reference: str | None = Field(None, min_length=1, max_length=64)


class AnnualReportFiled(_Envelope):
    """``annual_report.filed.v1``: the enterprise credit information publicity system says a
    subject filed (or corrected) an annual report."""

    payload: AnnualReportFiling


class InstantInfoPublished(_Envelope):
    """``instant_info.published.v1``: a subject published (or corrected) instant information."""

    payload: InstantInfoPublication


#: routing key -> the model its body must satisfy
INBOUND_MESSAGES: dict[str, type[_Envelope]] = {UPSERTED: RecordUpserted,
                                                WITHDRAWN: RecordWithdrawn,
                                                ANNUAL_REPORT_FILED: AnnualReportFiled,
                                                INSTANT_INFO_PUBLISHED: InstantInfoPublished}


class PublicityChange(_Strict):
    record_id: uuid.UUID
    record_type: RecordType
    subject_code: str
    subject_name: str
    from_state: str | None
    to_state: str
    cause_kind: str
    cause_ref: str
    source_record: dict | None = Field(
        None, description="the agency's own reference when the record came from another agency")


class PublicityChanged(_Envelope):
    """``record.publicity_changed.v1``: what we tell other agencies (a national credit
    platform above all) after every change of a record's publicity."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    source_agency: str = OUR_AGENCY
    payload: PublicityChange


class PenaltyWithdrawal(_Strict):
    """One of our penalty decisions no longer stands: the ruling that revoked it (or our own
    correction) and the record whose publicity stopped."""

    record_id: uuid.UUID
    record_type: RecordType
    decision_number: str | None
    deciding_unit_code: str | None
    subject_code: str
    subject_name: str
    ruling_kind: Literal["administrative_review", "court_judgment", "self_correction"]
    ruling_kind_label: str
    ruling_number: str
    ruling_date: date
    reason: str


class PenaltyWithdrawn(_Envelope):
    """``record.penalty_withdrawn.v1``: a penalty of ours was withdrawn after an administrative
    review, a court's judgment or our own correction; it is no longer publicised (a
    ``record.publicity_changed.v1`` to ``withdrawn`` goes out with it)."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    source_agency: str = OUR_AGENCY
    payload: PenaltyWithdrawal
