"""The documents decisions issue: numbered and worded with the decision, rendered to PDF
after it."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date

from credit_common.clock import now

from workflow.adapters import documents_pdf
from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import deadlines, documents
from workflow.domain.model import Case
from workflow.views import case_view, step_view


def issue_document(case: Case, kind: str, opinion: str | None, today: date,
                   public_base_url: str, uow: WorkflowUnitOfWork) -> dict:
    """Number the document and fix what it says in the transaction of the decision it
    records (the decision and its document commit together or not at all); the PDF is
    rendered right after, outside it (``render_documents``), so a decision stays fast."""
    issuer = documents.issuer(case.unit_code)
    sequence = uow.documents.next_number(issuer.code, kind, today.year)
    number = documents.document_number(issuer.short_name, kind, today.year, sequence)
    code = secrets.token_hex(6).upper()
    view = case_view(case)
    decide_days = None
    if kind == "acceptance_notice":
        decide_days = deadlines.decide_working_days(uow.calendar.deadline_rules(today),
                                                    case.record_type)
    content = {
        "unit_name": issuer.name, "case": view,
        "paragraphs": documents.paragraphs(kind, view, opinion, decide_days),
        "steps": [step_view(s) for s in uow.cases.steps(case.id)]
        if kind == "approval_form" else [],
        "verify_url": f"{public_base_url.rstrip('/')}/verify?code={code}",
    }
    document = {"id": uuid.uuid4(), "case_id": case.id, "application_id": case.application_id,
                "kind": kind, "number": number, "verification_code": code,
                "subject_name": case.subject_name, "subject_code": case.subject_uscc,
                "issued_on": today, "content": content, "created_at": now()}
    uow.documents.add(document)
    return document


def render_documents(uow: WorkflowUnitOfWork, limit: int = 10) -> int:
    """Render the documents still without a PDF; several instances share the work."""
    done = 0
    for document in uow.documents.claim_unrendered(limit):
        content = document["content"]
        pdf = documents_pdf.render(document["kind"], document["number"], content["unit_name"],
                                   document["issued_on"], content["case"],
                                   content["paragraphs"], content["steps"],
                                   content["verify_url"], document["verification_code"])
        uow.documents.rendered(document["id"], pdf, hashlib.sha256(pdf).hexdigest())
        done += 1
    return done
