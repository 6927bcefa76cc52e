"""Temporary repair during a bankruptcy reorganisation, on the applicant side: the
administrator's draft with the ruling that accepted the reorganisation, its submission, the
court's later ruling on the plan (filed by the administrator or an officer), and disclosure's
answer. The rules applied live in ``intake.domain.reorganisation``; the events the changes
announce go to the outbox at commit."""

from __future__ import annotations

import uuid
from datetime import date

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.registry import RegistryRecord
from credit_common.contracts.reorganisation import CourtRuling, TemporaryRepairChanged
from credit_common.contracts.vocabulary import BANKRUPTCY_REORGANISATION
from credit_common.errors import NotFound

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import reorganisation, submission
from intake.domain.forms import checked_form
from intake.domain.materials import (MATERIAL_KINDS, check_file_name, check_type_for_kind,
                                     check_upload, safe_file_name)
from intake.domain.model import Application
from intake.file_store import FileStore
from intake.handlers.access import own_application
from intake.handlers.drafts import ready_to_submit
from intake.handlers.rules import rules_on
from intake.handlers.subjects import bound_subject


def reorganisation_rules_on(day: date, uow: IntakeUnitOfWork) -> reorganisation.ReorganisationRules:
    try:
        return reorganisation.rules_in_force(uow.reorganisation_rules.all(), day)
    except LookupError:
        raise NotFound("NO_RULES_IN_FORCE", "当日没有生效的破产重整临时修复规则") from None


def create_draft(applicant_id: str, code: str, ruling: CourtRuling, administrator_name: str,
                 form: dict, records: list[RegistryRecord],
                 uow: IntakeUnitOfWork) -> tuple[Application, list[dict]]:
    """The administrator's draft for a subject they confirmed (the applicant login's subject
    binding), with every record of it the temporary repair would hide; and an answer for
    each record of the subject."""
    subject = bound_subject(applicant_id, code, uow)
    at = now()
    rules = reorganisation_rules_on(at.date(), uow)
    expires_on = reorganisation.check_accepting_ruling(ruling, subject, at.date(), rules)
    kept = reorganisation.started(ruling, administrator_name, expires_on, rules)
    held = uow.applications.open_record_ids([str(r.id) for r in records])
    chosen, answers = reorganisation.eligible_records(records, rules, held)
    application = Application.draft(
        applicant_id=uuid.UUID(str(applicant_id)), subject=subject,
        record_type=BANKRUPTCY_REORGANISATION, records=chosen,
        form=checked_form(form, rules_on(at.date(), uow), BANKRUPTCY_REORGANISATION,
                          complete=False),
        rule_version=rules.version, at=at)
    # one bureau decides on all of it: the one of the district the subject is registered in
    application.district_code = subject["district_code"]
    application.reorganisation = kept
    uow.applications.add(application)
    uow.applications.hold_records(application)
    return application, answers


def submit(application: Application, records: list[RegistryRecord],
           idempotency_key: str | None, uow: IntakeUnitOfWork) -> Application:
    """Submit (``handlers.submission.submit`` hands a reorganisation here once the application
    is the caller's and submittable): the ruling checked again, the subject's eligible records
    taken afresh, the materials the rules ask for, the number, all in one transaction."""
    at = now()
    rules = reorganisation_rules_on(at.date(), uow)
    ruling = reorganisation.accepting_ruling(application)
    expires_on = reorganisation.check_accepting_ruling(ruling, application.subject or {},
                                                      at.date(), rules)
    form = checked_form(application.form, rules_on(at.date(), uow), application.record_type,
                        complete=True)
    held = uow.applications.open_record_ids([str(r.id) for r in records],
                                            excluding=application.id)
    chosen, _ = reorganisation.eligible_records(records, rules, held)
    materials = uow.materials.of(application.id)
    reorganisation.require_materials(rules, materials, MATERIAL_KINDS)
    number = ready_to_submit(application, form, idempotency_key, at.date(), uow)
    application.reorganisation = {**application.reorganisation,
                                  "expires_on": expires_on.isoformat(),
                                  "rule_version": rules.version, "article": rules.article}
    application.submit_draft(number, rules.version, chosen, at)
    uow.applications.save(application)
    uow.applications.hold_records(application)
    uow.applications.release_records_not_held(application)
    uow.applications.add_version_snapshot(application, {
        **submission.version_snapshot(application, materials, rules.version),
        "reorganisation": application.reorganisation}, at)
    return application


def requirements(application: Application, uow: IntakeUnitOfWork) -> dict:
    """What the application page shows of a reorganisation: the materials the rules ask for,
    and for each record held whether the temporary repair hides it."""
    rules = reorganisation_rules_on(now().date(), uow)
    materials = uow.materials.of(application.id)
    judged_by = reorganisation_rules_on((application.submitted_at or now()).date(), uow)
    return {"required_materials": reorganisation.materials_checklist(rules, materials,
                                                                     MATERIAL_KINDS),
            "eligibility": [reorganisation.assess(RegistryRecord.model_validate(r), judged_by,
                                                  held=False) for r in application.records]}


def file_ruling(application: Application, ruling: CourtRuling, file_name: str, content: bytes,
                actor: str, filed_by: str, max_bytes: int, store: FileStore,
                uow: IntakeUnitOfWork, offload=lambda work, *args: work(*args)) -> Application:
    """The court confirmed the plan or terminated the reorganisation: its ruling (a PDF,
    checked like every upload) kept with the application and passed on to disclosure. The
    same ruling filed again changes nothing."""
    at = now()
    if reorganisation.check_follow_up(application, ruling, at.date()):
        return application
    kind = reorganisation.RULING_MATERIAL[ruling.kind]
    check_file_name(file_name)
    checked = offload(check_upload, content, max_bytes)
    check_type_for_kind(kind, checked.content_type)
    material = {"id": uuid.uuid4(), "application_id": application.id, "kind": kind,
                "file_name": safe_file_name(file_name, checked.content_type),
                "content_type": checked.content_type, "size_bytes": len(checked.content),
                "sha256": store.put(checked.content), "uploaded_at": at}
    uow.materials.add(material)
    application.file_ruling(ruling, str(material["id"]), actor, filed_by, at)
    uow.applications.save(application)
    return application


def file_ruling_as_applicant(applicant_id: str, application_id: str, ruling: CourtRuling,
                             file_name: str, content: bytes, max_bytes: int, store: FileStore,
                             uow: IntakeUnitOfWork, offload=lambda work, *args: work(*args)
                             ) -> Application:
    application = own_application(applicant_id, application_id, uow, for_update=True)
    return file_ruling(application, ruling, file_name, content, "applicant",
                       f"applicant:{applicant_id}", max_bytes, store, uow, offload)


def file_ruling_as_officer(officer_id: str, application_id: str, ruling: CourtRuling,
                           file_name: str, content: bytes, max_bytes: int, store: FileStore,
                           uow: IntakeUnitOfWork, offload=lambda work, *args: work(*args)
                           ) -> Application:
    """An officer of the case's unit files it (workflow checked that before the gateway
    asks)."""
    try:
        application = uow.applications.get(uuid.UUID(str(application_id)), for_update=True)
    except ValueError:
        application = None
    if application is None:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到该申请")
    return file_ruling(application, ruling, file_name, content, "officer",
                       f"officer:{officer_id}", max_bytes, store, uow, offload)


def record_temporary_repair(envelope: EventEnvelope, uow: IntakeUnitOfWork) -> bool:
    """Disclosure made the temporary repair final or ended it: the applicant sees it and is
    told. Idempotent (a message handled before fails its claim)."""
    uow.claim_later("intake.temporary_repair_changed", envelope.message_id)
    event = TemporaryRepairChanged.model_validate(envelope.data)
    application = uow.applications.get(event.application_id, for_update=True)
    if application is None:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到对应的信用修复申请")
    if not application.temporary_repair_changed(event.state, event.cause, event.occurred_at):
        return False
    uow.applications.save(application)
    return True


def rule_versions(uow: IntakeUnitOfWork) -> list[dict]:
    return uow.reorganisation_rules.listing()


def add_rule_version(version: str, effective_from: date, source: str, rules: dict,
                     created_by: str | None, uow: IntakeUnitOfWork) -> dict:
    reorganisation.check_new_version(effective_from, rules, now().date(), MATERIAL_KINDS)
    uow.reorganisation_rules.add(version, effective_from, source, rules, created_by)
    return {"version": version, "effective_from": effective_from.isoformat(), "source": source}
