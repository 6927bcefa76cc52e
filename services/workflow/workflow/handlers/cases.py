"""The cases an officer may see: one case by its acceptance number, its page, and where it
may be transferred."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from credit_common.clock import now
from credit_common.errors import Forbidden
from credit_common.reference.organisation import Unit

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import model
from workflow.domain.actions import allowed_actions, require_own_unit
from workflow.domain.model import Case, Officer, can_see
from workflow.domain.working_days import WorkingCalendar
from workflow.handlers.officers import officer_name_of
from workflow.handlers.todo import due_soon_until
from workflow.handlers.working_days import calendar


def visible_case(someone: Officer, acceptance_number: str, uow: WorkflowUnitOfWork,
                 for_update: bool = False) -> Case:
    """The case if the officer may see it; another unit's case and an unknown number get
    the same answer, so nothing leaks."""
    case = uow.cases.by_acceptance_number(str(acceptance_number).strip(), for_update)
    if case is None or not can_see(someone, case.unit_code):
        raise Forbidden("CASE_NOT_ACCESSIBLE", "无权查看该案件或案件不存在")
    return case


@dataclass
class CasePage:
    case: Case
    today: date
    due_soon_until: date
    calendar: WorkingCalendar
    steps: list[dict]
    documents: list[dict]
    can_act: bool
    allowed_actions: list[str]
    handler_name: str | None


def case_page(someone: Officer, acceptance_number: str, approver_may_handle: bool,
              uow: WorkflowUnitOfWork) -> CasePage:
    """The case with its approval form and documents, and what the officer may do on it."""
    case = visible_case(someone, acceptance_number, uow)
    steps = uow.cases.steps(case.id)
    today = now().date()
    soon = due_soon_until(today, uow)
    allowed = allowed_actions(someone, case, steps, approver_may_handle)
    return CasePage(case=case, today=today, due_soon_until=soon, calendar=calendar(uow),
                    steps=steps, documents=uow.documents.of_case(case.id),
                    # the district credit section's head takes 复审 of an office's case too
                    can_act=someone.unit_code == case.unit_code or bool(allowed),
                    allowed_actions=allowed, handler_name=officer_name_of(case.handler_id, uow))


def transfer_targets(someone: Officer, acceptance_number: str, uow: WorkflowUnitOfWork
                     ) -> list[Unit]:
    """The units the officer may transfer the case to (its own unit's only)."""
    case = visible_case(someone, acceptance_number, uow)
    require_own_unit(someone, case)
    return model.transfer_targets(case.unit_code)
