"""An officer acts on a case: accept, transfer, verify, review, approve, return, close,
revoke... (``workflow.domain.model.ACTIONS``), with the document the decision issues."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.vocabulary import CaseAction

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import actions, deadlines, pauses
from workflow.domain.documents import DOCUMENT_FOR_ACTION
from workflow.domain.model import Case, Officer
from workflow.handlers.cases import visible_case
from workflow.handlers.documents import issue_document
from workflow.handlers.working_days import calendar


def act(someone: Officer, acceptance_number: str, action: str, expected_version: int,
        opinion: str | None, target_unit_code: str | None, approver_may_handle: bool,
        uow: WorkflowUnitOfWork, public_base_url: str = "") -> Case:
    case = visible_case(someone, acceptance_number, uow, for_update=True)
    actions.require_own_unit(someone, case, action)
    actions.require_version(case, expected_version)
    if action == CaseAction.revoke:
        actions.require_approval_to_revoke(uow.cases.steps(case.id))
    at = now()
    days = calendar(uow)
    due = None
    if action == CaseAction.accept:  # acceptance starts the deadline of the decision
        due = deadlines.decide_due(at.date(), case.record_type,
                                   uow.calendar.deadline_rules(at.date()), days)
    version = case.version
    case.act(action, someone, opinion, at, target_unit_code=target_unit_code,
             approver_may_handle=approver_may_handle, decide_due=due)
    if action == CaseAction.return_:  # the clock stands still while the applicant corrects
        pauses.pause(case, at, days)
    uow.cases.save(case, version)
    kind = DOCUMENT_FOR_ACTION.get(action)
    if kind is not None:
        issue_document(case, kind, opinion, at.date(), public_base_url, uow)
    return case
