"""两书同达: issuing the 信用修复告知书 of an own penalty, ``(command, uow) -> result``.

Intake words the terms (``repair_notice_requested``, from the eligibility rules it owns);
here the notice is numbered and its text fixed in one transaction, once per record however
often or in whatever order the request arrives, and ``repair_notice_issued`` is staged with
it. The renderer makes the PDF after it, as for every document.
"""

from __future__ import annotations

import secrets
import uuid

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import RepairNoticeIssued, RepairNoticeRequested

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import documents, repair_notices


def document_url(public_base_url: str, code: str) -> str:
    """The link the SMS carries: the notice's PDF by its verification code, for anyone."""
    return f"{public_base_url.rstrip('/')}/api/v1/public/documents/pdf?code={code}"


def issue_repair_notice(envelope: EventEnvelope, uow: WorkflowUnitOfWork,
                        public_base_url: str = "") -> dict | None:
    """The notice issued now, or None when the record already has one (a second request
    changes nothing; two at once: the record's unique notice refuses the later commit, and
    its retry finds the first)."""
    uow.claim_later("workflow.repair_notice_requested", envelope.message_id)
    requested = RepairNoticeRequested.model_validate(envelope.data)
    if uow.documents.of_record(requested.record_id, repair_notices.KIND) is not None:
        return None
    at = now()
    issuer = repair_notices.issuer(requested)
    sequence = uow.documents.next_number(issuer.code, repair_notices.KIND, at.year)
    number = documents.document_number(issuer.short_name, repair_notices.KIND, at.year,
                                       sequence)
    code = secrets.token_hex(6).upper()
    base = public_base_url.rstrip("/")
    document = {
        "id": uuid.uuid4(), "record_id": requested.record_id, "kind": repair_notices.KIND,
        "number": number, "verification_code": code,
        "subject_name": requested.subject_name, "subject_code": requested.subject_code,
        "issued_on": at.date(), "created_at": at,
        "content": repair_notices.notice_content(requested, issuer, base or "信用修复平台",
                                                 f"{base}/verify?code={code}")}
    uow.documents.add(document)
    uow.publish(RepairNoticeIssued(
        record_id=requested.record_id, document_id=document["id"], kind=repair_notices.KIND,
        kind_label=repair_notices.KIND_LABEL, number=number, issued_on=document["issued_on"],
        verification_code=code, document_url=document_url(public_base_url, code),
        subject_code=requested.subject_code, subject_name=requested.subject_name,
        legal_rep_phone=requested.legal_rep_phone, earliest_date=requested.earliest_date,
        issued_at=at))
    return document


def public_pdf(code: str, uow: WorkflowUnitOfWork) -> dict | None:
    """A notice's PDF for anyone holding its verification code (the SMS link); no other kind
    of document is handed out this way."""
    return uow.documents.public_pdf(str(code).strip().upper(), (repair_notices.KIND,))
