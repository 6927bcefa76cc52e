"""两书同达: an own penalty entering the public record is announced (``penalty_recorded``,
staged in the transaction that creates it, never on an update); the 信用修复告知书 workflow
then issues comes back (``repair_notice_issued``) and is shown on the record."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import PenaltyRecorded, RepairNoticeIssued
from credit_common.errors import NotFound

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.model import Record, Subject
from disclosure.domain.repair_notices import issues_repair_notice
from disclosure.views import registry_record


def penalty_recorded(record: Record, subject: Subject) -> PenaltyRecorded | None:
    """The announcement of a record just created, if it comes with a notice."""
    if not issues_repair_notice(record):
        return None
    return PenaltyRecorded(
        record_id=record.id, decision_number=record.decision_number,
        decision_date=record.decision_date, deciding_unit_code=record.deciding_unit_code,
        district_code=record.district_code, subject_code=subject.code,
        subject_name=subject.name, subject_kind=subject.kind,
        legal_rep_name=subject.legal_rep_name, legal_rep_phone=subject.legal_rep_phone,
        record=registry_record(record).model_dump(mode="json"), recorded_at=now())


def announce_penalty(record: Record, subject: Subject, uow: DisclosureUnitOfWork) -> bool:
    """Stage ``penalty_recorded`` in the transaction that creates the record."""
    event = penalty_recorded(record, subject)
    if event is not None:
        uow.publish(event)
    return event is not None


def show_repair_notice(envelope: EventEnvelope, uow: DisclosureUnitOfWork) -> bool:
    """The issued notice on its record, once (a replay or a second message adds nothing)."""
    uow.claim_later("disclosure.repair_notice_issued", envelope.message_id)
    issued = RepairNoticeIssued.model_validate(envelope.data)
    if uow.records.get(issued.record_id) is None:
        # the notice names a record this registry announced: fail loudly, retry/DLQ keeps it
        raise NotFound("RECORD_NOT_FOUND", "未找到该失信记录")
    return uow.record_documents.add(issued.record_id, issued.document_id,
                                    issued.model_dump(include={"kind", "kind_label", "number",
                                                               "issued_on",
                                                               "verification_code"}))
