from __future__ import annotations

import uuid

from credit_common.contracts.interagency import (OUR_AGENCY, PENALTY_WITHDRAWN,
                                                 PUBLICITY_CHANGED, PenaltyWithdrawal,
                                                 PenaltyWithdrawn, PublicityChange,
                                                 PublicityChanged)
from credit_common.outbox import add_message_to_outbox
from credit_common.sql import text
from credit_common.topology import INTERAGENCY_EXCHANGE
from credit_common.unit_of_work import SqlUnitOfWork
from disclosure.adapters.filings import FilingRepository
from disclosure.adapters.publicity_terms import PublicityTermsRepository
from disclosure.adapters.record_documents import RecordDocumentRepository
from disclosure.adapters.repository import RecordRepository, SubjectRepository
from disclosure.adapters.temporary_repairs import TemporaryRepairRepository
from disclosure.adapters.withdrawals import WithdrawalRepository
from disclosure.domain.model import Record, Subject
from disclosure.domain.withdrawals import Withdrawal


class DisclosureUnitOfWork(SqlUnitOfWork):
    def __init__(self, session, request_id=None, read_only=False):
        super().__init__(session, request_id, read_only)
        self.subjects = SubjectRepository(session)
        self.records = self.collect_events_of(RecordRepository(session))
        self.filings = FilingRepository(session)
        self.terms = PublicityTermsRepository(session)
        self.record_documents = RecordDocumentRepository(session)
        self.temporary_repairs = self.collect_events_of(TemporaryRepairRepository(session))
        self.withdrawals = WithdrawalRepository(session)

    def collect_events(self) -> None:
        """At commit: announce every written record's pending changes (its subject is part of
        the message), then forget the records, so a long job does not hold them all."""
        for record in self.records.seen:
            if record.events:
                self.announce_changes(record, self.subjects.get(record.subject_id))
        self.records.seen.clear()
        super().collect_events()  # the other repositories' aggregates (temporary repairs)

    def announce_changes(self, record: Record, subject: Subject) -> None:
        """Stage ``record.publicity_changed.v1`` for other agencies, one per state change, in
        the transaction that made the change."""
        for change in record.events:
            message_id = uuid.uuid4()
            message = PublicityChanged(
                message_id=message_id, occurred_at=change.occurred_at,
                payload=PublicityChange(
                    record_id=record.id, record_type=record.record_type,
                    subject_code=subject.code, subject_name=subject.name,
                    from_state=change.from_state, to_state=change.to_state,
                    cause_kind=change.cause_kind, cause_ref=change.cause_ref,
                    source_record=None if record.source_agency == OUR_AGENCY
                    else {"agency": record.source_agency, "id": record.source_record_id}))
            add_message_to_outbox(self.session, INTERAGENCY_EXCHANGE, PUBLICITY_CHANGED,
                                  message.model_dump(mode="json"), message_id, self.request_id)
        record.events = []

    def announce_withdrawal(self, withdrawal: Withdrawal, record: Record,
                            subject: Subject) -> None:
        """Stage ``record.penalty_withdrawn.v1`` for other agencies, in the transaction of the
        withdrawal (its ``record.publicity_changed.v1`` is staged at commit with the rest)."""
        message_id = uuid.uuid4()
        ruling = withdrawal.ruling
        message = PenaltyWithdrawn(
            message_id=message_id, occurred_at=withdrawal.withdrawn_at,
            payload=PenaltyWithdrawal(
                record_id=record.id, record_type=record.record_type,
                decision_number=record.decision_number,
                deciding_unit_code=record.deciding_unit_code, subject_code=subject.code,
                subject_name=subject.name, ruling_kind=ruling.kind,
                ruling_kind_label=ruling.kind_label, ruling_number=ruling.number,
                ruling_date=ruling.ruling_date, reason=ruling.reason))
        add_message_to_outbox(self.session, INTERAGENCY_EXCHANGE, PENALTY_WITHDRAWN,
                              message.model_dump(mode="json"), message_id, self.request_id)

    def record_identity_check(self, applicant_id: str, subject_code: str, outcome: str,
                              at) -> None:
        self.session.execute(text(
            "INSERT INTO identity_checks (checked_at, applicant_id, subject_code, outcome) "
            "VALUES (:at, :a, :s, :o)"), {"at": at, "a": applicant_id, "s": subject_code,
                                         "o": outcome})

    def identity_failures_since(self, since, applicant_id: str, subject_code: str
                                ) -> tuple[int, int, object]:
        """Mismatches since ``since`` by this applicant, against this subject, and the
        latest of them."""
        row = self.session.execute(text(
            "SELECT count(*) FILTER (WHERE applicant_id = :a), "
            "count(*) FILTER (WHERE subject_code = :s), max(checked_at) "
            "FROM identity_checks WHERE outcome = 'mismatch' AND checked_at > :since "
            "AND (applicant_id = :a OR subject_code = :s)"),
            {"a": applicant_id, "s": subject_code, "since": since}).one()
        return row[0], row[1], row[2]

    def outcome_applied(self, decision_id: str) -> dict | None:
        row = self.session.execute(text(
            "SELECT decision_id, record_id, outcome, applied_at FROM repair_outcomes "
            "WHERE decision_id = :d"), {"d": decision_id}).first()
        return dict(row._mapping) if row else None

    def record_outcome(self, decision_id: str, record_id: uuid.UUID, outcome: str) -> bool:
        """False when another worker recorded this decision first (it waits for that
        transaction, then sees the row)."""
        return self.session.execute(text(
            "INSERT INTO repair_outcomes (decision_id, record_id, outcome) "
            "VALUES (:d, :r, :o) ON CONFLICT DO NOTHING RETURNING 1"),
            {"d": decision_id, "r": str(record_id), "o": outcome}).first() is not None

    def advance_case(self, case_id: uuid.UUID, case_version: int) -> bool:
        """True if ``case_version`` is newer than every step of the case applied before;
        the row stays locked, so two steps of one case are applied one after the other."""
        return self.session.execute(text(
            "INSERT INTO case_progress (case_id, case_version) VALUES (:c, :v) "
            "ON CONFLICT (case_id) DO UPDATE SET case_version = EXCLUDED.case_version, "
            "updated_at = now() WHERE case_progress.case_version < EXCLUDED.case_version "
            "RETURNING 1"), {"c": case_id, "v": case_version}).first() is not None

    def start_job_run(self, job: str, run_key: str) -> bool:
        return self.session.execute(text(
            "INSERT INTO job_runs (job, run_key) VALUES (:j, :k) "
            "ON CONFLICT DO NOTHING RETURNING 1"), {"j": job, "k": run_key}).first() is not None

    def finish_job_run(self, job: str, run_key: str, affected: int) -> None:
        self.session.execute(text(
            "UPDATE job_runs SET finished_at = now(), affected = :a "
            "WHERE job = :j AND run_key = :k"), {"j": job, "k": run_key, "a": affected})
