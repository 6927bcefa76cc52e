"""Removing the abnormal listings a filing cured: use cases, ``(command, uow) -> result``.

Disclosure owns the records and the rule that says whether a cured listing goes at once;
workflow owns the officers, their todo and the numbered documents. So disclosure announces
the cure (``listing_cured``); here the rule's own decision is issued at once, or the removal
waits in the listing office's list for one click; either way the numbered, QR-verifiable
decision is issued in the transaction that decides, and ``listing_removal_decided`` tells
disclosure to take the record off the list under that number.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime

from credit_common.clock import now
from credit_common.contracts.events import ListingCured, ListingRemovalDecided
from credit_common.contracts.vocabulary import LISTING_REASON_LABELS, RECORD_TYPE_LABELS
from credit_common.errors import Forbidden, ValidationFailed
from credit_common.reference.organisation import CITY_BUREAU_CODE, unit
from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import documents
from workflow.domain.listing_removals import (IMMEDIATE, PENDING, REMOVAL_LABELS, REMOVED,
                                              STATUS_LABELS, ListingRemoval, paragraphs)
from workflow.domain.model import Officer
from workflow.handlers import scope

STATUSES = (PENDING, REMOVED)


def on_listing_cured(envelope, uow: WorkflowUnitOfWork, public_base_url: str = ""
                     ) -> ListingRemoval | None:
    """One removal per cured record, however often the event arrives; the rule's own
    decision is made at once."""
    uow.claim_later("workflow.listing_cured", envelope.message_id)
    cured = ListingCured.model_validate(envelope.data)
    removal = ListingRemoval.from_cure(cured)
    if not uow.listing_removals.add(removal):
        return None
    if cured.removal == IMMEDIATE:
        _decide(removal, None, public_base_url, uow)
    return removal


def visible_removal(someone: Officer, removal_id: str, uow: WorkflowUnitOfWork,
                    for_update: bool = False) -> ListingRemoval:
    """Another unit's removal and an unknown id get the same answer."""
    removal = uow.listing_removals.get(removal_id, for_update)
    if removal is None or not removal.visible_to(someone):
        raise Forbidden("REMOVAL_NOT_ACCESSIBLE", "无权查看该记录或记录不存在")
    return removal


def removals(someone: Officer, status: str | None, limit: int, cursor: str | None,
             uow: WorkflowUnitOfWork) -> tuple[list[ListingRemoval], str | None]:
    if status is not None and status not in STATUSES:
        raise ValidationFailed("VALIDATION_FAILED", "状态应为 pending 或 removed",
                               {"field": "status"})
    after = None
    if cursor:
        try:
            at, removal_id = str(cursor).split("|", 1)
            after = (datetime.fromisoformat(at), str(uuid.UUID(removal_id)))
        except ValueError:
            raise ValidationFailed("INVALID_CURSOR", "翻页游标无效", {"field": "cursor"}) \
                from None
    units, districts = scope(someone)
    found = uow.listing_removals.visible(units, districts, status, limit, after)
    last = found[-1] if len(found) == limit else None
    return found, f"{last.cured_at.isoformat()}|{last.id}" if last else None


def remove_listing(someone: Officer, removal_id: str, uow: WorkflowUnitOfWork,
                   public_base_url: str = "") -> ListingRemoval:
    """One click of an officer of the listing unit: the same removal and document the rule
    would have made. A second click answers what the first did."""
    removal = visible_removal(someone, removal_id, uow, for_update=True)
    refusal = removal.refusal(someone)
    if refusal is not None:
        raise refusal
    if removal.status == PENDING:
        _decide(removal, someone, public_base_url, uow)
    return removal


def _decide(removal: ListingRemoval, officer: Officer | None, public_base_url: str,
            uow: WorkflowUnitOfWork) -> None:
    at = now()
    version = removal.version
    issuer = _issuer(removal)
    kind = removal.document_kind
    sequence = uow.documents.next_number(issuer.code, kind, at.year)
    number = documents.document_number(issuer.short_name, kind, at.year, sequence)
    removal.decide(officer, at, number)
    uow.listing_removals.save(removal, version)
    code = secrets.token_hex(6).upper()
    uow.listing_removals.add_document({
        "id": uuid.uuid4(), "listing_removal_id": removal.id, "kind": kind, "number": number,
        "verification_code": code, "subject_name": removal.subject_name,
        "subject_code": removal.subject_code, "issued_on": at.date(), "created_at": at,
        "content": {"unit_name": issuer.name,
                    "case": {"subject_name": removal.subject_name,
                             "subject_uscc": removal.subject_code},
                    "paragraphs": paragraphs(removal), "steps": [],
                    "verify_url": f"{public_base_url.rstrip('/')}/verify?code={code}"}})
    uow.publish(ListingRemovalDecided(
        removal_id=removal.id, record_id=removal.record_id, record_type=removal.record_type,
        outcome=removal.outcome, document_number=number, decided_at=at,
        officer_name=removal.decided_by_name,
        note=f"{REMOVAL_LABELS.get(removal.removal, '')}：列入事由已消除"
             f"（规则版本 {removal.cure['rule_version']}）"
             + (f"，{removal.decided_by_name}确认" if removal.decided_by_name else "")))


def _issuer(removal: ListingRemoval):
    """The listing unit's district bureau, as for a case's documents."""
    listed = unit(removal.listing_unit_code) or unit(removal.district_code)
    if listed is not None and listed.district_code:
        return unit(listed.district_code)
    return listed or unit(CITY_BUREAU_CODE)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def removal_view(removal: ListingRemoval, someone: Officer) -> dict:
    cure = removal.cure
    listing_unit = unit(removal.listing_unit_code)
    return {
        "id": str(removal.id), "record_id": str(removal.record_id),
        "record_type": removal.record_type,
        "record_type_label": RECORD_TYPE_LABELS.get(removal.record_type, removal.record_type),
        "listing_reason": removal.listing_reason,
        "listing_reason_label": LISTING_REASON_LABELS.get(removal.listing_reason),
        "listing_date": _iso(removal.listing_date),
        "listing_unit_code": removal.listing_unit_code,
        "listing_unit_name": listing_unit.name if listing_unit else None,
        "listing_document_number": removal.listing_document_number,
        "subject_code": removal.subject_code, "subject_name": removal.subject_name,
        "filing": {"kind": cure["filing_kind"], "filed_on": cure["filed_on"],
                   "report_year": cure.get("report_year"),
                   "agency": cure["filing_agency"], "agency_name": cure["filing_agency_name"]},
        "rule_version": cure["rule_version"], "basis": cure["basis"],
        "removal": removal.removal, "removal_label": REMOVAL_LABELS.get(removal.removal),
        "status": removal.status, "status_label": STATUS_LABELS.get(removal.status),
        "cured_at": _iso(removal.cured_at), "decided_at": _iso(removal.decided_at),
        "decided_by_name": removal.decided_by_name,
        "document_number": removal.document_number, "version": removal.version,
        "can_remove": removal.status == PENDING and removal.refusal(someone) is None,
    }
