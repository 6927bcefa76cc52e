"""Repair decisions applied to the public records: through the RPC, and from workflow's
approvals and revocations."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.events import CaseStatusChanged
from credit_common.contracts.vocabulary import PublicityState
from credit_common.errors import NotFound

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.repair_outcomes import (changes_records, checked_decision_id,
                                               outcome_of, require_same_as_applied)


def apply_repair_outcome(decision_id: str, record_id: str, outcome: str,
                         uow: DisclosureUnitOfWork) -> dict:
    """Apply what a decision decided to its record, once: a replay of the same decision id
    returns the first answer and changes nothing."""
    checked_decision_id(decision_id)
    applied = uow.outcome_applied(decision_id)
    if applied is not None:
        require_same_as_applied(applied, decision_id, record_id, outcome)
        return {"decision_id": decision_id, "record_id": str(record_id), "outcome": outcome,
                "changed": False}
    record = uow.records.get(record_id, for_update=True)
    if record is None:
        raise NotFound("RECORD_NOT_FOUND", "未找到该失信记录")
    if not uow.record_outcome(decision_id, record.id, outcome):
        # a concurrent call applied it while this one waited for the row lock
        return apply_repair_outcome(decision_id, record_id, outcome, uow)
    if record.publicity_state == PublicityState.withdrawn:
        # the penalty itself was withdrawn: no repair or revocation has anything left to change
        return {"decision_id": decision_id, "record_id": str(record.id), "outcome": outcome,
                "changed": False, "publicity_state": record.publicity_state}
    version = record.version
    changed = record.apply_outcome(outcome, decision_id, now())
    if changed:
        uow.records.save(record, version)
    return {"decision_id": decision_id, "record_id": str(record.id), "outcome": outcome,
            "changed": changed, "publicity_state": record.publicity_state}


def apply_case_decision(envelope, uow: DisclosureUnitOfWork) -> list[dict]:
    """Workflow approved a repair (or revoked one): change every record of the case once.
    Each record's change is keyed by ``<decision id>/<record id>``, so a redelivered event,
    or the same decision through the RPC, changes nothing twice."""
    if not uow.claim("disclosure.case_decision", envelope.message_id):
        return []
    event = CaseStatusChanged.model_validate(envelope.data)
    if not changes_records(event.status, event.decision_id, event.record_type):
        return []
    if not uow.advance_case(event.case_id, event.case_version):
        # a revocation overtook the approval it revokes: the approval is not applied after it
        return []
    results = []
    for record_id in event.record_ids:
        record = uow.records.get(record_id)
        if record is None:
            raise NotFound("RECORD_NOT_FOUND", "未找到该失信记录")
        results.append(apply_repair_outcome(f"{event.decision_id}/{record_id}", str(record_id),
                                            outcome_of(event.status, record.record_type), uow))
    return results
