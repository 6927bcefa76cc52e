"""Workflow's use cases: ``(command, uow) -> result``; the entrypoint commits."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted, ApplicationWithdrawn
from credit_common.errors import NotFound

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain.model import Case


def open_case(envelope: EventEnvelope, uow: WorkflowUnitOfWork) -> Case | None:
    """One case per submitted application, however often the event arrives."""
    if not uow.claim("workflow.open_case", envelope.message_id):
        return None
    submitted = ApplicationSubmitted.model_validate(envelope.data)
    case = Case.open_for(submitted, now())
    if not uow.cases.add(case):
        return None  # the same application re-announced under another message id
    for event in case.events:
        uow.publish(event)
    return case


def withdraw_case(envelope: EventEnvelope, uow: WorkflowUnitOfWork) -> bool:
    """The applicant withdrew before a decision. Idempotent."""
    if not uow.claim("workflow.withdraw_case", envelope.message_id):
        return False
    withdrawn = ApplicationWithdrawn.model_validate(envelope.data)
    return uow.cases.close_withdrawn(withdrawn.application_id)


def get_case(acceptance_number: str, uow: WorkflowUnitOfWork) -> dict:
    case = uow.cases.by_acceptance_number(acceptance_number)
    if case is None:
        raise NotFound("CASE_NOT_FOUND", "未找到该受理编号对应的案件")
    return case
