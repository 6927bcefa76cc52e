"""Intake's use cases: one function each, ``(command, uow) -> result``. They do not know they
run inside Nameko; the entrypoint commits what they staged when they return."""

from __future__ import annotations

import uuid

from credit_common.clock import now
from credit_common.contracts.commands import SubmitApplication
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import CaseOpened
from credit_common.errors import NotFound, ValidationFailed

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain.identity import is_valid_subject_code
from intake.domain.model import Application, acceptance_number


def submit_application(command: SubmitApplication, uow: IntakeUnitOfWork,
                       idempotency_key: str | None = None) -> Application:
    """Save the application and stage ``application_submitted`` in the same transaction.

    A replay with the same idempotency key returns the first application and changes nothing
    (the gateway retries, and Nameko re-runs an RPC whose worker died before acking)."""
    if idempotency_key:
        existing = uow.applications.by_idempotency_key(idempotency_key)
        if existing is not None:
            return existing
    if not is_valid_subject_code(command.subject_uscc):
        raise ValidationFailed("INVALID_USCC", "统一社会信用代码或注册号校验位错误",
                               {"field": "subject_uscc"})
    submitted_at = now()
    sequence = uow.applications.next_acceptance_sequence(command.district_code,
                                                         submitted_at.date())
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
    for event in application.events:
        uow.publish(event)
    return application


def record_case_opened(envelope: EventEnvelope, uow: IntakeUnitOfWork) -> bool:
    """Workflow opened the case: the applicant now sees 待受理. Idempotent."""
    if not uow.claim("intake.record_case_opened", envelope.message_id):
        return False
    event = CaseOpened.model_validate(envelope.data)
    application = uow.applications.get(event.application_id)
    if application is None:
        # the case exists, so the application must: fail loudly and let retry/DLQ keep it
        raise NotFound("APPLICATION_NOT_FOUND", "未找到对应的信用修复申请")
    if application.case_opened(event.case_id, now()):
        uow.applications.save(application)
    return True


def get_application(application_id: str, uow: IntakeUnitOfWork) -> Application:
    try:
        uuid.UUID(str(application_id))
    except ValueError:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到该申请") from None
    application = uow.applications.get(application_id)
    if application is None:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到该申请")
    return application
