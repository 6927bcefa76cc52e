"""What intake answers over RPC: plain JSON only (no datetimes, no Decimals on the wire)."""

from __future__ import annotations

from credit_common.contracts.vocabulary import APPLICATION_STATUS_LABELS, APPLICATION_TYPE_LABELS

from intake.domain.materials import MATERIAL_KINDS
from intake.domain.model import Application, TimelineEntry


def _iso(value):
    return value.isoformat() if value is not None else None


def application_view(application: Application) -> dict:
    return {
        "id": str(application.id),
        "acceptance_number": application.acceptance_number,
        "record_type": application.record_type,
        "record_type_label": APPLICATION_TYPE_LABELS.get(application.record_type, ""),
        "subject_uscc": application.subject_uscc,
        "subject_name": application.subject_name,
        "district_code": application.district_code,
        "status": application.status,
        "status_label": APPLICATION_STATUS_LABELS.get(application.status, ""),
        "case_id": str(application.case_id) if application.case_id else None,
        "submitted_at": _iso(application.submitted_at),
        "created_at": _iso(application.created_at),
        "updated_at": _iso(application.updated_at),
        "decided_at": _iso(application.decided_at),
        "version": application.version,
        "record_ids": [r["id"] for r in application.records],
    }


def material_view(material: dict) -> dict:
    return {"id": str(material["id"]), "kind": material["kind"],
            "kind_label": MATERIAL_KINDS.get(material["kind"], material["kind"]),
            "file_name": material["file_name"], "content_type": material["content_type"],
            "size_bytes": material["size_bytes"], "sha256": material["sha256"],
            "uploaded_at": _iso(material["uploaded_at"])}


def timeline_view(entries: list[TimelineEntry]) -> list[dict]:
    return [{"occurred_at": _iso(e.occurred_at), "from_status": e.from_status,
             "to_status": e.to_status,
             "to_status_label": APPLICATION_STATUS_LABELS.get(e.to_status, e.to_status),
             "actor": e.actor, "note": e.note} for e in entries]


def detail_view(detail: dict) -> dict:
    application: Application = detail["application"]
    return {
        **application_view(application),
        "subject": application.subject,
        "records": application.records,
        "form": application.form,
        "rule_version": application.rule_version,
        "materials": [material_view(m) for m in detail["materials"]],
        "required_materials": detail["required_materials"],
        "signing": detail["signing"],
        "timeline": timeline_view(detail["timeline"]),
        "editable": detail["editable"],
        "facts_and_reasons_required": detail["facts_and_reasons_required"],
        # a bankruptcy reorganisation's rulings, administrator and expiry; null otherwise
        "reorganisation": application.reorganisation,
    }


def guide_view(guide: dict) -> dict:
    return {"kind": guide["kind"], "record_type": guide["record_type"] or None,
            "version": guide["version"], "effective_from": _iso(guide["effective_from"]),
            "title": guide["title"], "body": guide["body"]}


def rule_version_view(version: dict) -> dict:
    return {**version, "effective_from": version["effective_from"].isoformat(),
            "created_at": version["created_at"].isoformat()}


def session_view(result) -> dict:
    return {"applicant_id": str(result.applicant_id), "phone": result.phone,
            "session_id": str(result.session.session_id),
            "refresh_token": result.session.refresh_token,
            "refresh_expires_at": _iso(result.session.expires_at)}
