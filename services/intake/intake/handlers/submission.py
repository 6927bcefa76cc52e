"""Submitting an application (and the development route's one-step submission), and
withdrawing it. The events these changes announce go to the outbox with the commit: the
unit of work collects them from the applications it has seen."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.commands import SubmitApplication
from credit_common.contracts.registry import RegistryRecord
from credit_common.errors import ValidationFailed

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import signing, submission
from intake.domain.forms import checked_form
from intake.domain.identity import is_valid_subject_code
from intake.domain.model import Application, acceptance_number
from intake.handlers import reorganisation
from intake.handlers.access import own_application
from intake.handlers.drafts import chosen_records, ready_to_submit
from intake.handlers.rules import rules_on
from intake.handlers.signing import signing_state


def submit_application(command: SubmitApplication, uow: IntakeUnitOfWork,
                       idempotency_key: str | None = None) -> Application:
    """Save the application and stage ``application_submitted`` in the same transaction.

    A replay with the same idempotency key returns the first application and changes nothing
    (the gateway retries, and Nameko re-runs an RPC whose worker died before acking)."""
    if not is_valid_subject_code(command.subject_uscc):
        raise ValidationFailed("INVALID_USCC", "统一社会信用代码或注册号校验位错误",
                               {"field": "subject_uscc"})
    submitted_at = now()
    # one statement numbers the application unless the key was seen: a replay takes no number
    sequence = uow.applications.next_acceptance_sequence(
        command.district_code, submitted_at.date(), unless_key_used=idempotency_key)
    if sequence is None:
        return uow.applications.by_idempotency_key(idempotency_key)
    application = Application.submit(
        acceptance_number=acceptance_number(command.district_code, submitted_at.date(), sequence),
        record_type=command.record_type.value,
        subject_uscc=command.subject_uscc.strip().upper(),
        subject_name=command.subject_name.strip(),
        district_code=command.district_code,
        submitted_at=submitted_at,
        idempotency_key=idempotency_key,
    )
    uow.applications.add(application)
    return application


def submit(applicant_id: str, application_id: str, records: list[RegistryRecord],
           idempotency_key: str | None, uow: IntakeUnitOfWork) -> Application:
    """Atomic: the acceptance number, the status, the records held, the timeline and the
    ``application_submitted`` event commit together or not at all."""
    application = own_application(applicant_id, application_id, uow, for_update=True)
    if submission.is_replay(application, idempotency_key):
        return application  # the same request again: the first answer, nothing changed
    submission.require_submittable(application)
    if application.reorganisation is not None:
        return reorganisation.submit(application, records, idempotency_key, uow)
    at = now()
    rules = rules_on(at.date(), uow)
    form = checked_form(application.form, rules, application.record_type, complete=True)
    fresh = chosen_records(application.subject or {}, application.record_type,
                           [r["id"] for r in application.records], records, rules,
                           at.date(), uow, excluding=application.id)
    submission.require_materials(rules, application.record_type,
                                 uow.materials.of(application.id))
    signing.require_signed(signing_state(application, uow))
    number = ready_to_submit(application, form, idempotency_key, at.date(), uow)
    application.submit_draft(number, rules.version, fresh, at)
    uow.applications.save(application)
    uow.applications.hold_records(application)
    uow.applications.add_version_snapshot(application, submission.version_snapshot(
        application, uow.materials.of(application.id), rules.version), at)
    return application


def withdraw(applicant_id: str, application_id: str, reason: str | None,
             uow: IntakeUnitOfWork) -> Application:
    application = own_application(applicant_id, application_id, uow, for_update=True)
    application.withdraw(now(), reason)
    uow.applications.save(application)
    return application
