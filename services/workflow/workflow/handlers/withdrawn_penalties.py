"""Disclosure's news that a penalty of ours was withdrawn (review, court, correction): the
cases about it that wait for a decision end as 无需修复, the applicant told through the usual
case event; a case that opens later about it ends so as it opens (``end_if_withdrawn``)."""

from __future__ import annotations

from datetime import datetime

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import PenaltyWithdrawn

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import pauses
from workflow.domain.model import UNDECIDED_STATUSES, Case
from workflow.handlers.working_days import calendar


def note_of(event: PenaltyWithdrawn) -> str:
    return (f"该行政处罚已依据{event.ruling_kind_label}（{event.ruling_number}）撤销，"
            "停止公示，无需信用修复")


def end_cases_of_withdrawn_penalty(envelope: EventEnvelope, uow: WorkflowUnitOfWork) -> int:
    """Once per event (the claim); returns how many cases it changed."""
    uow.claim_later("workflow.penalty_withdrawn", envelope.message_id)
    event = PenaltyWithdrawn.model_validate(envelope.data)
    note = note_of(event)
    uow.cases.remember_withdrawn_penalty(str(event.record_id), note, event.withdrawn_at)
    changed = 0
    for case in uow.cases.undecided_with_record(str(event.record_id), sorted(UNDECIDED_STATUSES)):
        changed += _end(case, str(event.record_id), note, now(), uow)
    return changed


def end_if_withdrawn(case: Case, uow: WorkflowUnitOfWork) -> bool:
    """A case that opens (or reopens) about a penalty already withdrawn."""
    changed = False
    for record_id, note, _ in uow.cases.withdrawn_penalties(case.record_ids):
        changed |= bool(_end(case, record_id, note, now(), uow))
    return changed


def _end(case: Case, record_id: str, note: str, at: datetime, uow: WorkflowUnitOfWork) -> int:
    version = case.version
    if not case.penalty_withdrawn(record_id, note, at):
        return 0
    if case.status not in UNDECIDED_STATUSES:  # ended: a running pause ends with it
        pauses.stop(case, at, calendar(uow))
    uow.cases.save(case, version)
    return 1
