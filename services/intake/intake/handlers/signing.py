"""Signing an application (Zhejiang flow): the applicant's e-seal, a one-time link for the
legal representative, and their signature through it."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from credit_common.clock import now
from credit_common.errors import NotFound

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import signing
from intake.domain.model import Application, content_hash
from intake.handlers.access import own_application
from intake.handlers.login import applicant
from intake.handlers.rules import rules_on


def _sealed_hash(application: Application, materials: list[dict]) -> str:
    return content_hash(application.sealed_content(materials))


def signing_state(application: Application, uow: IntakeUnitOfWork) -> dict:
    """What signing the application still needs, for the content as it is now."""
    rules = rules_on(now().date(), uow)
    materials = uow.materials.of(application.id)
    return signing.signing_state(
        signing.signing_required(rules, application), _sealed_hash(application, materials),
        uow.signatures.of(application.id), {m["kind"] for m in materials},
        application.subject)


def seal(applicant_id: str, application_id: str, uow: IntakeUnitOfWork) -> dict:
    application = own_application(applicant_id, application_id, uow, for_update=True)
    phone = applicant(applicant_id, uow)["phone"]
    application.require_editable()
    at = now()
    uow.signatures.add({"id": uuid.uuid4(), "application_id": application.id,
                        "kind": signing.E_SEAL,
                        "content_hash": _sealed_hash(application,
                                                     uow.materials.of(application.id)),
                        "signer": f"{application.subject_name}（经办手机 {phone}）",
                        "token_hash": None, "expires_at": None, "signed_at": at,
                        "created_at": at})
    return signing_state(application, uow)


def signature_link(applicant_id: str, application_id: str, ttl_s: int,
                   uow: IntakeUnitOfWork) -> dict:
    """A one-time link for the legal representative, bound to the content as it is now."""
    application = own_application(applicant_id, application_id, uow, for_update=True)
    application.require_editable()
    token, at = secrets.token_urlsafe(24), now()
    expires_at = at + timedelta(seconds=ttl_s)
    uow.signatures.add({"id": uuid.uuid4(), "application_id": application.id,
                        "kind": signing.LEGAL_REP_SIGNATURE,
                        "content_hash": _sealed_hash(application,
                                                     uow.materials.of(application.id)),
                        "signer": None, "token_hash": signing.token_hash(token),
                        "expires_at": expires_at, "signed_at": None, "created_at": at})
    return {"token": token, "expires_at": expires_at.isoformat()}


def _signature_by_token(token: str, uow: IntakeUnitOfWork) -> tuple[dict, Application]:
    signature = uow.signatures.by_token_hash(signing.token_hash(token or ""))
    if signature is None:
        raise NotFound("SIGNATURE_LINK_NOT_FOUND", "签名链接无效")
    signing.require_usable_link(signature, now())
    application = uow.applications.get(signature["application_id"])
    signing.require_unchanged_content(
        signature, _sealed_hash(application, uow.materials.of(application.id)))
    return signature, application


def signature_request(token: str, uow: IntakeUnitOfWork) -> dict:
    """What the legal representative sees before signing (no personal data beyond that)."""
    signature, application = _signature_by_token(token, uow)
    return {"acceptance_number": application.acceptance_number,
            "record_type": application.record_type, "subject_name": application.subject_name,
            "legal_rep_name": (application.subject or {}).get("legal_rep_name"),
            "content_hash": signature["content_hash"],
            "expires_at": signature["expires_at"].isoformat(),
            "records": [{"id": r["id"], "decision_number": r.get("decision_number"),
                         "listing_document_number": r.get("listing_document_number")}
                        for r in application.records]}


def sign(token: str, signer_name: str, uow: IntakeUnitOfWork) -> dict:
    signature, application = _signature_by_token(token, uow)
    signer = signing.checked_signer(signer_name, application.subject)
    uow.signatures.mark_signed(signature["id"], signer, now())
    return {"signed": True, "content_hash": signature["content_hash"]}
