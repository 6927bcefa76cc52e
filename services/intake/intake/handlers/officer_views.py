"""The officer side's view of an application and its materials (workflow has checked the
officer's scope before the gateway asks)."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.registry import RegistryRecord
from credit_common.errors import NotFound

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import eligibility
from intake.domain.submission import materials_checklist
from intake.file_store import FileStore
from intake.handlers import reorganisation
from intake.handlers.access import get_application
from intake.handlers.rules import rules_on
from intake.handlers.signing import signing_state


def application_for_officer(application_id: str, uow: IntakeUnitOfWork) -> dict:
    application = get_application(application_id, uow)
    rules = rules_on(now().date(), uow)
    materials = uow.materials.of(application.id)
    # judged as at submission: the rule version in force that day
    day = (application.submitted_at or now()).date()
    judged_by = rules_on(day, uow)
    kind = (application.subject or {}).get("kind", "")
    answers = [eligibility.assess(RegistryRecord.model_validate(r), kind, judged_by, day).as_dict()
               for r in application.records]
    required = materials_checklist(rules, application.record_type, materials)
    if application.reorganisation is not None:  # judged by the reorganisation's own rules
        answers, required = (reorganisation.requirements(application, uow)[k]
                             for k in ("eligibility", "required_materials"))
    return {
        "application": application, "materials": materials, "eligibility": answers,
        "required_materials": required,
        "signing": signing_state(application, uow),
        "timeline": uow.applications.timeline(application.id),
        "editable": False,
        "facts_and_reasons_required": eligibility.facts_required(rules, application.record_type),
    }


def material_for_officer(application_id: str, material_id: str, store: FileStore,
                         uow: IntakeUnitOfWork) -> tuple[dict, bytes]:
    application = get_application(application_id, uow)
    material = uow.materials.get(application.id, material_id)
    if material is None:
        raise NotFound("MATERIAL_NOT_FOUND", "未找到该材料")
    return material, store.get(material["sha256"])
