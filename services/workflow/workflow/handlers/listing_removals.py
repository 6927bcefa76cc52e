"""Removing the abnormal listings a filing cured: use cases, ``(command, uow) -> result``.

Disclosure owns the records and the rule that says whether a cured listing goes at once;
workflow owns the officers, their todo and the numbered documents. So disclosure announces
the cure (``listing_cured``); here the rule's own decision is issued at once, or the removal
waits in the listing office's list for one click; either way the numbered, QR-verifiable
decision is issued in the transaction that decides, and ``listing_removal_decided`` (staged
at commit) tells disclosure to take the record off the list under that number.
"""

from __future__ import annotations

import secrets
import uuid

from credit_common.clock import now
from credit_common.contracts.events import ListingCured
from credit_common.errors import Forbidden

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import documents
from workflow.domain.listing_removals import (ListingRemoval, RemovalStatus, checked_status,
                                              cursor_of, decision_content, page_after)
from workflow.domain.model import Officer
from workflow.domain.officers import scope


def on_listing_cured(envelope, uow: WorkflowUnitOfWork, public_base_url: str = ""
                     ) -> ListingRemoval | None:
    """One removal per cured record, however often the event arrives; the rule's own
    decision is made at once."""
    uow.claim_later("workflow.listing_cured", envelope.message_id)
    removal = ListingRemoval.from_cure(ListingCured.model_validate(envelope.data))
    if not uow.listing_removals.add(removal):
        return None
    if removal.decided_by_rule:
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
    """The removals the officer may see, oldest cure first, and the next page's cursor."""
    wanted = checked_status(status)
    units, districts = scope(someone)
    found = uow.listing_removals.visible(units, districts, wanted, limit, page_after(cursor))
    return found, cursor_of(found[-1] if len(found) == limit else None)


def remove_listing(someone: Officer, removal_id: str, uow: WorkflowUnitOfWork,
                   public_base_url: str = "") -> ListingRemoval:
    """One click of an officer of the listing unit: the same removal and document the rule
    would have made. A second click answers what the first did."""
    removal = visible_removal(someone, removal_id, uow, for_update=True)
    refusal = removal.refusal(someone)
    if refusal is not None:
        raise refusal
    if removal.status == RemovalStatus.pending:
        _decide(removal, someone, public_base_url, uow)
    return removal


def _decide(removal: ListingRemoval, officer: Officer | None, public_base_url: str,
            uow: WorkflowUnitOfWork) -> None:
    """Number the decision and fix what it says in the transaction that decides; the PDF is
    rendered after it, with a case's documents (``handlers.documents.render_documents``)."""
    at = now()
    version = removal.version
    issuer = removal.issuer()
    kind = removal.document_kind
    sequence = uow.documents.next_number(issuer.code, kind, at.year)
    number = documents.document_number(issuer.short_name, kind, at.year, sequence)
    removal.decide(officer, at, number)
    uow.listing_removals.save(removal, version)
    code = secrets.token_hex(6).upper()
    uow.documents.add({
        "id": uuid.uuid4(), "listing_removal_id": removal.id, "kind": kind, "number": number,
        "verification_code": code, "subject_name": removal.cured.subject_name,
        "subject_code": removal.cured.subject_code, "issued_on": at.date(), "created_at": at,
        "content": decision_content(removal, issuer,
                                    f"{public_base_url.rstrip('/')}/verify?code={code}")})
