"""Temporary repair during a bankruptcy reorganisation: intake's changes applied to the
records, the expiry job, and a subject's temporary repairs for officers. The record changes
are announced on the inter-agency bus and the ends told to intake at commit (the unit of work
collects both)."""

from __future__ import annotations

from datetime import date

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.reorganisation import ReorganisationChanged

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain import temporary_repairs
from disclosure.domain.model import Record
from disclosure.domain.temporary_repairs import TemporaryRepair


def _records(record_ids, uow: DisclosureUnitOfWork) -> list[tuple[Record, int]]:
    """The records locked in id order (two changes never lock them crosswise), each with
    the version it was read at."""
    found = []
    for record_id in sorted(str(i) for i in record_ids):
        record = uow.records.get(record_id, for_update=True)
        if record is not None:
            found.append((record, record.version))
    return found


def _save(repair: TemporaryRepair, records: list[tuple[Record, int]],
          uow: DisclosureUnitOfWork) -> None:
    for record, version in records:
        if record.version != version:
            uow.records.save(record, version)
    uow.temporary_repairs.save(repair)


def apply_reorganisation_change(envelope: EventEnvelope, uow: DisclosureUnitOfWork) -> dict:
    """One of intake's changes, once (a message handled before fails its claim) and in any
    order with the others of its application (``domain.temporary_repairs``)."""
    uow.claim_later("disclosure.reorganisation_changed", envelope.message_id)
    change = ReorganisationChanged.model_validate(envelope.data)
    uow.temporary_repairs.lock_application(change.application_id)
    repair = uow.temporary_repairs.get(change.application_id, for_update=True)
    records = _records(change.record_ids, uow)
    changed = temporary_repairs.apply_change(repair, change, [r for r, _ in records], now())
    if changed is None:
        return {"application_id": str(change.application_id), "change": change.change,
                "applied": False}
    _save(changed, records, uow)
    return {"application_id": str(change.application_id), "change": change.change,
            "applied": True, "state": changed.state}


def expire_temporary_repairs(today: date, uow: DisclosureUnitOfWork, batch: int = 100) -> int:
    """Running temporary repairs past their last day publicise their records again. Each
    repair is claimed with its row (SKIP LOCKED), so several instances never end one twice,
    and an ended one is never picked again."""
    ended = 0
    run_ref = f"expire_temporary_repairs:{today}"
    for repair in uow.temporary_repairs.due(today, batch):
        records = _records(repair.record_ids, uow)
        if temporary_repairs.expire(repair, [r for r, _ in records], today, now(), run_ref):
            _save(repair, records, uow)
            ended += 1
    return ended


def temporary_repairs_of_subject(code: str, uow: DisclosureUnitOfWork) -> list[TemporaryRepair]:
    return uow.temporary_repairs.of_subject(code.strip().upper())
