"""Signing an application (Zhejiang flow): the e-seal and the legal representative's
signature, each bound to the hash of exactly what was signed, and what may stand in for the
signature. Plain Python."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from credit_common.errors import Conflict, ValidationFailed

from intake.domain import eligibility
from intake.domain.model import Application

E_SEAL = "e_seal"
LEGAL_REP_SIGNATURE = "legal_rep_signature"


def signing_required(rules: eligibility.RuleVersion, application: Application) -> bool:
    # at the counter the officer checks the legal representative's identity in person
    return eligibility.signing_required(rules, application.record_type) and \
        application.counter_officer_id is None


def signature_alternative(subject: dict | None) -> str | None:
    """The material uploaded instead of the signature: the proof of special circumstances
    for a subject in "proof material" mode, the document of a non-mainland holder."""
    subject = subject or {}
    if subject.get("proof_material_mode"):
        return "special_circumstances_proof"
    if subject.get("legal_rep_document_type") not in (None, "resident_id"):
        return "legal_rep_document"
    return None


def signing_state(required: bool, content_hash: str, signatures: Iterable[dict],
                  material_kinds: set[str], subject: dict | None) -> dict:
    """What signing still needs, for the content whose hash is ``content_hash``: a seal or
    signature of other content no longer counts."""
    signed_now = [s for s in signatures if s["signed_at"] and s["content_hash"] == content_hash]
    sealed = any(s["kind"] == E_SEAL for s in signed_now)
    signed = any(s["kind"] == LEGAL_REP_SIGNATURE for s in signed_now)
    alternative = signature_alternative(subject)
    signature_done = signed or (alternative is not None and alternative in material_kinds)
    return {"required": required, "content_hash": content_hash, "e_seal": sealed,
            "legal_rep_signature": signed, "signature_alternative": alternative,
            "complete": (not required) or (sealed and signature_done)}


def require_signed(state: dict) -> None:
    if not state["complete"]:
        raise Conflict("SIGNING_INCOMPLETE", "请先完成企业电子签章和法定代表人签名",
                       {"signing": {k: v for k, v in state.items() if k != "content_hash"}})


def token_hash(token: str) -> str:
    """Links are kept by the hash of their token only."""
    return hashlib.sha256(token.encode()).hexdigest()


def require_usable_link(signature: dict, at: datetime) -> None:
    if signature["signed_at"] is not None:
        raise Conflict("SIGNATURE_LINK_USED", "该签名链接已使用")
    if signature["expires_at"] <= at:
        raise Conflict("SIGNATURE_LINK_EXPIRED", "签名链接已过期，请申请人重新生成")


def require_unchanged_content(signature: dict, content_hash: str) -> None:
    if content_hash != signature["content_hash"]:
        raise Conflict("CONTENT_CHANGED", "申请内容已修改，请申请人重新生成签名链接")


def checked_signer(signer_name: str | None, subject: dict | None) -> str:
    """The name typed must be the legal representative's as registered."""
    expected = (subject or {}).get("legal_rep_name")
    if not signer_name or signer_name.strip() != expected:
        raise ValidationFailed("SIGNER_MISMATCH", "签名人姓名与登记的法定代表人不一致",
                               {"field": "signer_name"})
    return signer_name.strip()
