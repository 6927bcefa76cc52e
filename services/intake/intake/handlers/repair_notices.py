"""两书同达: an own penalty recorded by disclosure gets its 信用修复告知书's terms from the
eligibility rules intake owns; workflow issues the document (``repair_notice_requested``)."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import PenaltyRecorded, RepairNoticeRequested
from credit_common.contracts.registry import RegistryRecord

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain.repair_notices import notice_terms
from intake.handlers.rules import rules_on


def request_repair_notice(envelope: EventEnvelope, uow: IntakeUnitOfWork
                          ) -> RepairNoticeRequested:
    """Once per message (its claim); workflow keeps one notice per record whatever arrives."""
    uow.claim_later("intake.penalty_recorded", envelope.message_id)
    recorded = PenaltyRecorded.model_validate(envelope.data)
    at = now()
    terms = notice_terms(RegistryRecord.model_validate(recorded.record),
                         rules_on(at.date(), uow), at.date())
    requested = RepairNoticeRequested(
        **recorded.model_dump(include={
            "record_id", "decision_number", "decision_date", "deciding_unit_code",
            "district_code", "subject_code", "subject_name", "legal_rep_name",
            "legal_rep_phone"}),
        repairable=terms.repairable, earliest_date=terms.earliest_date, reason=terms.reason,
        rule_version=terms.rule_version, article=terms.article, conditions=terms.conditions,
        materials=terms.materials, requested_at=at)
    uow.publish(requested)
    return requested
