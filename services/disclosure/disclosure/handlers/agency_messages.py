"""Other agencies' records, from the inter-agency bus: each message applied exactly once."""

from __future__ import annotations

import uuid
from datetime import date

from credit_common.clock import now
from credit_common.contracts.interagency import AgencyRecord, RecordUpserted, RecordWithdrawn
from credit_common.contracts.vocabulary import PublicityState

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.agency_records import (RejectedMessage, check_agency_record, is_stale,
                                              new_subject, record_fields,
                                              state_after_withdrawal)
from disclosure.domain.model import PENALTY_TYPES, CauseKind, Record
from disclosure.handlers.repair_notices import announce_penalty

#: the consumer name every inter-agency message id is claimed under, once
INBOUND_CONSUMER = "disclosure.interagency"


def ingest_agency_message(message: RecordUpserted | RecordWithdrawn,
                          uow: DisclosureUnitOfWork, today: date | None = None,
                          allowed_types=PENALTY_TYPES) -> str:
    """Apply one inter-agency message exactly once; returns what happened. ``allowed_types``:
    the record types its sender may send."""
    if not uow.claim(INBOUND_CONSUMER, message.message_id):
        return "duplicate"
    today = today or now().date()
    if isinstance(message, RecordUpserted):
        return _upsert_agency_record(message, message.payload, uow, today, allowed_types)
    withdrawal = message.payload
    record = uow.records.by_source(message.source_agency, withdrawal.source_record_id,
                                   for_update=True)
    if record is None:
        raise RejectedMessage("UNKNOWN_RECORD", "撤回的记录不存在")
    if is_stale(withdrawal.version, record.source_version):
        return "stale"
    version = record.version
    record.source_version = withdrawal.version
    if record.publicity_state != PublicityState.active:
        # already off the public record (repaired, expired at its term): nothing to end
        uow.records.save(record, version)
        return "already_ended"
    note = withdrawal.reason + (f"（{withdrawal.document_number}）"
                                if withdrawal.document_number else "")
    record.change_state(state_after_withdrawal(record.record_type), CauseKind.message,
                        str(message.message_id), now(), note=note)
    uow.records.save(record, version)
    return "withdrawn"


def _upsert_agency_record(message: RecordUpserted, incoming: AgencyRecord,
                          uow: DisclosureUnitOfWork, today: date, allowed_types) -> str:
    code = check_agency_record(incoming, today, allowed_types)
    subject = uow.subjects.by_code(code)
    if subject is None:
        subject = new_subject(incoming, code)
        uow.subjects.add(subject)
    record = uow.records.by_source(message.source_agency, incoming.source_record_id,
                                   for_update=True)
    fields = record_fields(incoming)
    if record is None:
        record = Record(id=uuid.uuid4(), subject_id=subject.id,
                        source_agency=message.source_agency,
                        source_record_id=incoming.source_record_id, **fields)
        record.created(CauseKind.message, str(message.message_id), now())
        uow.records.add(record)
        uow.announce_changes(record, subject)
        announce_penalty(record, subject, uow)
        return "created"
    if is_stale(incoming.version, record.source_version):
        return "stale"
    if record.record_type != incoming.record_type:
        raise RejectedMessage("RECORD_TYPE_CHANGED",
                              f"该记录原为 {record.record_type}，不能改为 {incoming.record_type}")
    version = record.version
    for name, value in fields.items():
        setattr(record, name, value)
    record.version += 1
    uow.records.save(record, version)
    return "updated"
