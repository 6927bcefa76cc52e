"""The removal of an abnormal listing a filing cured (可移出): decided at once by the rule
version disclosure applied, or by one click of an officer of the listing unit; either way a
numbered decision of the listing unit's bureau. Plain Python: no Nameko, no SQLAlchemy."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from credit_common.contracts.events import Event, ListingCured, ListingRemovalDecided
from credit_common.contracts.vocabulary import (LISTING_REASON_LABELS, RECORD_TYPE_LABELS,
                                                OfficerRole, RecordType)
from credit_common.errors import Conflict, Forbidden, ValidationFailed
from credit_common.reference.organisation import CITY_BUREAU_CODE, Unit, unit

from workflow.domain import documents
from workflow.domain.model import Officer, can_act, can_see


class RemovalStatus(StrEnum):
    pending = "pending"
    removed = "removed"


STATUS_LABELS = {RemovalStatus.pending: "可移出（待确认）", RemovalStatus.removed: "已移出"}
#: disclosure's rule says the listing goes at once (else an officer confirms it)
IMMEDIATE = "immediate"
REMOVAL_LABELS = {IMMEDIATE: "系统自动移出", "officer_confirmation": "列入机关确认移出"}
#: the roles that may confirm a removal for their unit (a decision on the unit's own listing)
DECIDING_ROLES = frozenset({OfficerRole.handler, OfficerRole.approver})

#: what the decision does to each list, as disclosure applies it
OUTCOME = {RecordType.abnormal_operation_list: "remove_from_list",
           RecordType.cooperative_abnormal_list: "remove_from_list",
           RecordType.individual_abnormal_status: "restore_normal_status"}
DOCUMENT_KIND = {RecordType.abnormal_operation_list: "listing_removal_decision",
                 RecordType.cooperative_abnormal_list: "listing_removal_decision",
                 RecordType.individual_abnormal_status: "status_restoration_decision"}
OUTCOME_TEXT = {RecordType.abnormal_operation_list: "将你（单位）移出经营异常名录",
                RecordType.cooperative_abnormal_list: "将你（单位）移出农民专业合作社经营异常名录",
                RecordType.individual_abnormal_status: "恢复你（单位）的正常记载状态"}
FILING_TEXT = {"annual_report": "已补报{year}年度报告并公示",
               "annual_report_correction": "已更正{year}年度报告并公示",
               "instant_info": "已公示责令公示的即时信息",
               "instant_info_correction": "已更正公示的信息"}


@dataclass(kw_only=True)
class ListingRemoval:
    """A cured listing's removal: the cure disclosure announced (the listing, its subject, the
    filing that cured it and the rule that says how it goes), then the decision."""

    id: uuid.UUID
    cured: ListingCured
    status: RemovalStatus = RemovalStatus.pending
    decided_at: datetime | None = None
    decided_by: uuid.UUID | None = None
    decided_by_name: str | None = None
    document_number: str | None = None
    version: int = 1
    #: what it announces, staged at commit by the unit of work
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def from_cure(cls, cured: ListingCured) -> ListingRemoval:
        return cls(id=uuid.uuid4(), cured=cured)

    @property
    def decided_by_rule(self) -> bool:
        return self.cured.removal == IMMEDIATE

    @property
    def outcome(self) -> str:
        return OUTCOME[self.cured.record_type]

    @property
    def document_kind(self) -> str:
        return DOCUMENT_KIND[self.cured.record_type]

    def issuer(self) -> Unit:
        """The listing unit's district bureau, as for a case's documents."""
        return (documents.issuer(self.cured.listing_unit_code) or documents.issuer(self.cured.district_code)
                or unit(CITY_BUREAU_CODE))

    def visible_to(self, officer: Officer) -> bool:
        """As for cases: the listing office, its district bureau and credit section, the city."""
        return can_see(officer, self.cured.listing_unit_code)

    def refusal(self, officer: Officer) -> Exception | None:
        """Why the officer may not confirm this removal, if they may not."""
        if not can_act(officer, self.cured.listing_unit_code):
            return Forbidden("REMOVAL_NOT_OF_MY_UNIT", "只能由列入机关（本单位）确认移出",
                             {"listing_unit_code": self.cured.listing_unit_code})
        if not DECIDING_ROLES & set(officer.roles):
            return Forbidden("ROLE_REQUIRED", "确认移出需要承办人或审批人角色",
                             {"roles": sorted(DECIDING_ROLES)})
        return None

    def decide(self, officer: Officer | None, at: datetime, document_number: str) -> None:
        """Removed now, by the rule (no officer) or the officer; once. Disclosure is told to
        take the record off the list under the decision's number."""
        if self.status != RemovalStatus.pending:
            raise Conflict("REMOVAL_ALREADY_DECIDED", "该记录已移出",
                           {"document_number": self.document_number})
        self.status = RemovalStatus.removed
        self.decided_at = at
        self.decided_by = officer.id if officer else None
        self.decided_by_name = officer.name if officer else None
        self.document_number = document_number
        self.version += 1
        self.events.append(ListingRemovalDecided(
            removal_id=self.id, record_id=self.cured.record_id, record_type=self.cured.record_type,
            outcome=self.outcome, document_number=document_number, decided_at=at,
            officer_name=self.decided_by_name,
            note=f"{REMOVAL_LABELS.get(self.cured.removal, '')}：列入事由已消除"
                 f"（规则版本 {self.cured.rule_version}）"
                 + (f"，{self.decided_by_name}确认" if self.decided_by_name else "")))


def checked_status(status: str | None) -> RemovalStatus | None:
    if status is None:
        return None
    try:
        return RemovalStatus(status)
    except ValueError:
        raise ValidationFailed("VALIDATION_FAILED", "状态应为 pending 或 removed",
                               {"field": "status"}) from None


def page_after(cursor: str | None) -> tuple[datetime, str] | None:
    """A list page's cursor: the last removal's cure time and id."""
    if not cursor:
        return None
    try:
        at, removal_id = str(cursor).split("|", 1)
        return datetime.fromisoformat(at), str(uuid.UUID(removal_id))
    except ValueError:
        raise ValidationFailed("INVALID_CURSOR", "翻页游标无效", {"field": "cursor"}) from None


def cursor_of(last: ListingRemoval | None) -> str | None:
    return f"{last.cured.cured_at.isoformat()}|{last.id}" if last else None


def paragraphs(removal: ListingRemoval) -> list[str]:
    """What the decision says; the officer's name only when one confirmed it."""
    cured = removal.cured
    listed = cured.listing_date.isoformat() if cured.listing_date else "—"
    reason = LISTING_REASON_LABELS.get(cured.listing_reason, cured.listing_reason)
    label = RECORD_TYPE_LABELS.get(cured.record_type, cured.record_type)
    filed = FILING_TEXT.get(cured.filing_kind, "已报送相关信息").format(
        year=cured.report_year or "")
    how = ("本决定由信用修复平台依据上述规则自动作出。" if removal.decided_by is None
           else f"经本机关{removal.decided_by_name}确认。")
    return [
        f"你（单位）因“{reason}”，于{listed}被列入{label}"
        + (f"（{cured.listing_document_number}）。" if cured.listing_document_number
           else "。"),
        f"据{cured.filing_agency_name}告知，你（单位）于{cured.filed_on.isoformat()}{filed}，"
        "列入事由已消除。",
        f"依据{cured.basis}（规则版本：{cured.rule_version}），本机关决定"
        f"{OUTCOME_TEXT[cured.record_type]}。{how}",
    ]


def decision_content(removal: ListingRemoval, issuer: Unit, verify_url: str) -> dict:
    """The decision document's content, in the shape a case's documents have."""
    return {"unit_name": issuer.name,
            "case": {"subject_name": removal.cured.subject_name,
                     "subject_uscc": removal.cured.subject_code},
            "paragraphs": paragraphs(removal), "steps": [], "verify_url": verify_url}
