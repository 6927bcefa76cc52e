"""Intake's events: a submitted application opens (or reopens) its case, a withdrawn one
withdraws it."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted, ApplicationWithdrawn

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import deadlines, pauses
from workflow.domain.model import Case
from workflow.handlers.withdrawn_penalties import end_if_withdrawn
from workflow.handlers.working_days import calendar


def open_case(envelope: EventEnvelope, uow: WorkflowUnitOfWork) -> Case | None:
    """One case per submitted application, however often the event arrives; a corrected
    application coming back after a return reopens its case for acceptance. A message
    handled before fails its claim, and nothing is saved twice."""
    uow.claim_later("workflow.open_case", envelope.message_id)
    submitted = ApplicationSubmitted.model_validate(envelope.data)
    at = now()
    uow.calendar.prefetch(at.date())
    days = calendar(uow)
    due = deadlines.accept_due(at.date(), uow.calendar.deadline_rules(at.date()), days)
    case = Case.open_for(submitted, at, due)
    # the first submission is the common case: insert, and look for a case only if one exists
    if uow.cases.add(case):
        withdrawn_at = uow.cases.take_early_withdrawal(submitted.application_id)
        if withdrawn_at is not None and case.withdrawn(withdrawn_at):
            uow.cases.save(case, case.version - 1)
        # the penalty it is about may have been withdrawn before the case opened
        end_if_withdrawn(case, uow)
        return case
    existing = uow.cases.for_application(submitted.application_id, for_update=True)
    if existing is not None:
        version = existing.version
        if existing.resubmitted(at, due):
            pauses.resume(existing, at, days)
            uow.cases.save(existing, version)
            end_if_withdrawn(existing, uow)
            return existing
    return None


def withdraw_case(envelope: EventEnvelope, uow: WorkflowUnitOfWork) -> bool:
    """The applicant withdrew before a decision. Idempotent (the claim, as ``open_case``)."""
    uow.claim_later("workflow.withdraw_case", envelope.message_id)
    withdrawn = ApplicationWithdrawn.model_validate(envelope.data)
    case = uow.cases.for_application(withdrawn.application_id, for_update=True)
    if case is None:
        # the withdrawal overtook the submission (another queue): the case opens withdrawn
        uow.cases.remember_early_withdrawal(withdrawn.application_id, withdrawn.withdrawn_at)
        return False
    version, at = case.version, now()
    if case.withdrawn(at):
        pauses.stop(case, at, calendar(uow))
        uow.cases.save(case, version)
        return True
    return False
