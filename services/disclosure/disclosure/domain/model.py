"""The public records and their subjects, in plain Python.

A record's publicity state changes only through :meth:`Record.change_state`, which refuses
transitions the rules do not allow and leaves an append-only :class:`HistoryEntry` naming the
cause (a decision, an inter-agency message, a scheduled job, an import), plus a
``record.publicity_changed`` event for the other agencies.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from credit_common.contracts.vocabulary import PublicityState, RecordType, RegistrationStatus
from credit_common.errors import Conflict

LIST_TYPES = frozenset({
    RecordType.serious_illegal_list, RecordType.abnormal_operation_list,
    RecordType.individual_abnormal_status, RecordType.cooperative_abnormal_list,
})
PENALTY_TYPES = frozenset({RecordType.penalty_publicity, RecordType.other_department_penalty})


class CauseKind:
    created = "created"
    decision = "decision"
    revocation = "revocation"
    message = "message"
    job = "job"
    import_ = "import"
    # bankruptcy reorganisation (disclosure.domain.temporary_repairs)
    temporary_repair = "temporary_repair"                    # approved: hidden as 临时修复
    reorganisation_plan_confirmed = "reorganisation_plan_confirmed"  # repaired for good
    reorganisation_terminated = "reorganisation_terminated"  # publicised again
    temporary_repair_expired = "temporary_repair_expired"    # publicised again (the job)
    # our own penalty revoked on review, by a court or by ourselves (domain.withdrawals)
    withdrawal = "withdrawal"


#: what a repair outcome does to the record, and from which states it may
class Outcome:
    stop_publicity = "stop_publicity"          # penalty publicity repaired
    remove_from_list = "remove_from_list"      # abnormal / serious list repaired
    restore_normal_status = "restore_normal_status"  # individual business repaired
    revoke_repair = "revoke_repair"            # fraud found after approval: restore the record


OUTCOME_TARGET = {
    Outcome.stop_publicity: PublicityState.stopped,
    Outcome.remove_from_list: PublicityState.removed,
    Outcome.restore_normal_status: PublicityState.restored,
    Outcome.revoke_repair: PublicityState.active,
}

OUTCOME_RECORD_TYPES = {
    Outcome.stop_publicity: PENALTY_TYPES,
    Outcome.remove_from_list: frozenset({RecordType.serious_illegal_list,
                                         RecordType.abnormal_operation_list,
                                         RecordType.cooperative_abnormal_list}),
    Outcome.restore_normal_status: frozenset({RecordType.individual_abnormal_status}),
    Outcome.revoke_repair: frozenset(RecordType),
}

#: state -> states it may move to
TRANSITIONS: dict[PublicityState, frozenset[PublicityState]] = {
    PublicityState.active: frozenset({PublicityState.stopped, PublicityState.removed,
                                      PublicityState.restored, PublicityState.expired,
                                      PublicityState.temporarily_repaired,
                                      PublicityState.withdrawn}),
    PublicityState.stopped: frozenset({PublicityState.active}),
    PublicityState.removed: frozenset({PublicityState.active}),
    PublicityState.restored: frozenset({PublicityState.active}),
    PublicityState.expired: frozenset(),
    # the decision no longer stands: nothing brings it back
    PublicityState.withdrawn: frozenset(),
    # until the court rules on the plan: final as a normal repair, or publicised again
    PublicityState.temporarily_repaired: frozenset({PublicityState.active,
                                                    PublicityState.stopped,
                                                    PublicityState.removed,
                                                    PublicityState.restored}),
}


@dataclass
class HistoryEntry:
    record_id: uuid.UUID
    from_state: str | None
    to_state: str
    cause_kind: str
    cause_ref: str
    note: str
    occurred_at: datetime


@dataclass
class PublicityChanged:
    """Staged for the outbox; ``disclosure.events.PublicityChanged`` is its wire form."""
    record_id: uuid.UUID
    subject_id: uuid.UUID
    record_type: str
    from_state: str | None
    to_state: str
    cause_kind: str
    cause_ref: str
    occurred_at: datetime


@dataclass
class Subject:
    id: uuid.UUID
    name: str
    kind: str
    district_code: str
    registration_unit_code: str
    uscc: str | None = None
    registration_number: str | None = None
    address: str = ""
    registration_status: str = RegistrationStatus.active
    legal_rep_name: str = ""
    legal_rep_document_type: str = "resident_id"
    legal_rep_document_number: str = ""
    legal_rep_phone: str = ""
    liaison_phone: str = ""
    proof_material_mode: bool = False
    established_on: date | None = None

    @property
    def code(self) -> str:
        return self.uscc or self.registration_number or ""


@dataclass
class Record:
    id: uuid.UUID
    subject_id: uuid.UUID
    record_type: str
    district_code: str
    source_record_id: str
    source_agency: str = "samr-guangzhou"
    source_version: int = 0
    publicity_state: str = PublicityState.active
    listing_reason: str | None = None
    listing_date: date | None = None
    listing_unit_code: str | None = None
    listing_document_number: str | None = None
    decision_number: str | None = None
    decision_date: date | None = None
    publicity_start_date: date | None = None
    publicity_end_date: date | None = None
    penalty_domain: str | None = None
    penalty_kinds: list[str] = field(default_factory=list)
    fine_amount: Decimal | None = None
    severe: bool = False
    deciding_unit_code: str | None = None
    deciding_department_name: str | None = None
    obligations_fulfilled_on: date | None = None
    version: int = 1
    history: list[HistoryEntry] = field(default_factory=list)
    events: list[PublicityChanged] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return self.record_type in LIST_TYPES

    def created(self, cause_kind: str, cause_ref: str, at: datetime) -> None:
        self._log(None, self.publicity_state, cause_kind, cause_ref, "", at)

    def change_state(self, to_state: str, cause_kind: str, cause_ref: str, at: datetime,
                     note: str = "") -> bool:
        """Move to ``to_state``; False when already there (a replay), Conflict when the
        rules do not allow it."""
        current = PublicityState(self.publicity_state)
        target = PublicityState(to_state)
        if current == target:
            return False
        if target not in TRANSITIONS[current]:
            raise Conflict("ILLEGAL_PUBLICITY_TRANSITION",
                           f"记录当前状态为“{current.value}”，不能变更为“{target.value}”",
                           {"record_id": str(self.id), "from": current.value,
                            "to": target.value})
        self.publicity_state = target.value
        self.version += 1
        self._log(current.value, target.value, cause_kind, cause_ref, note, at)
        return True

    def apply_outcome(self, outcome: str, decision_id: str, at: datetime,
                      note: str = "") -> bool:
        if outcome not in OUTCOME_TARGET:
            raise Conflict("UNKNOWN_OUTCOME", "未知的修复结果类型", {"outcome": outcome})
        if self.record_type not in OUTCOME_RECORD_TYPES[outcome]:
            raise Conflict("OUTCOME_NOT_APPLICABLE", "该修复结果不适用于此类记录",
                           {"outcome": outcome, "record_type": self.record_type})
        cause = CauseKind.revocation if outcome == Outcome.revoke_repair else CauseKind.decision
        return self.change_state(OUTCOME_TARGET[outcome], cause, decision_id, at, note)

    def _log(self, from_state, to_state, cause_kind, cause_ref, note, at) -> None:
        self.history.append(HistoryEntry(self.id, from_state, to_state, cause_kind, cause_ref,
                                         note, at))
        self.events.append(PublicityChanged(self.id, self.subject_id, self.record_type,
                                            from_state, to_state, cause_kind, cause_ref, at))
