"""What workflow tells intake: a case opened, a step of a case. Each handler is idempotent
(a message handled before fails its claim) and applies a case's steps in order. What the
applicant is told goes to the outbox with the commit (the unit of work collects it)."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import CaseOpened, CaseStatusChanged
from credit_common.errors import NotFound

from intake.adapters.unit_of_work import IntakeUnitOfWork


def record_case_opened(envelope: EventEnvelope, uow: IntakeUnitOfWork) -> bool:
    """Workflow opened the case: the applicant now sees 待受理. Idempotent: a message handled
    before fails its claim, and nothing is saved twice. True if the application changed."""
    uow.claim_later("intake.record_case_opened", envelope.message_id)
    event = CaseOpened.model_validate(envelope.data)
    application = uow.applications.get(event.application_id, for_update=True)
    if application is None:
        # the case exists, so the application must: fail loudly and let retry/DLQ keep it
        raise NotFound("APPLICATION_NOT_FOUND", "未找到对应的信用修复申请")
    if not application.case_opened(event.case_id, now()):
        return False
    uow.applications.save(application)
    return True


def record_case_status(envelope: EventEnvelope, uow: IntakeUnitOfWork) -> bool:
    """A step of the officer side becomes what the applicant sees. Idempotent, and in order
    by the case's version. True if the application changed."""
    uow.claim_later("intake.record_case_status", envelope.message_id)
    event = CaseStatusChanged.model_validate(envelope.data)
    application = uow.applications.get(event.application_id, for_update=True)
    if application is None:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到对应的信用修复申请")
    if not application.case_status_changed(event.status, event.case_version,
                                           event.occurred_at, event.note, event.decision_id):
        return False
    uow.applications.save(application)
    return True
