"""What a submission needs beyond the form and the signing: not submitted already, and every
material the rules ask for; and what is kept of each submission. Plain Python."""

from __future__ import annotations

from credit_common.errors import Conflict, ValidationFailed

from intake.domain import eligibility
from intake.domain.materials import MATERIAL_KINDS
from credit_common.contracts.vocabulary import EDITABLE_STATUSES

from intake.domain.model import Application


def is_replay(application: Application, idempotency_key: str | None) -> bool:
    """The same submission again (its key, and it was numbered): answer as the first time."""
    return bool(idempotency_key) and application.idempotency_key == idempotency_key and \
        application.acceptance_number is not None


def require_submittable(application: Application) -> None:
    if application.status not in EDITABLE_STATUSES:
        raise Conflict("ALREADY_SUBMITTED", "申请已提交，请勿重复提交",
                       {"status": application.status})


def materials_checklist(rules: eligibility.RuleVersion, record_type: str,
                        materials: list[dict]) -> list[dict]:
    kinds = {m["kind"] for m in materials}
    return [{"kind": k, "label": MATERIAL_KINDS[k], "provided": k in kinds}
            for k in eligibility.required_materials(rules, record_type)]


def require_materials(rules: eligibility.RuleVersion, record_type: str,
                      materials: list[dict]) -> None:
    kinds = {m["kind"] for m in materials}
    missing = [k for k in eligibility.required_materials(rules, record_type) if k not in kinds]
    if missing:
        raise ValidationFailed("MATERIALS_MISSING", "缺少必需的申请材料：" + "、".join(
            MATERIAL_KINDS[k] for k in missing), {"missing": missing})


def version_snapshot(application: Application, materials: list[dict],
                     rule_version: str) -> dict:
    """What each submission is kept as (``application_versions``)."""
    return {"form": application.form, "records": application.records,
            "materials": [{"kind": m["kind"], "sha256": m["sha256"]} for m in materials],
            "rule_version": rule_version}
