"""Temporary repair during a bankruptcy reorganisation, in plain Python.

An approved application hides the subject's records as 临时修复 until ``expires_on``; the
court's confirmation of the plan makes the repair final (each record as a normal repair of its
type would), its termination of the reorganisation, the expiry or a revocation publicises them
again. Every record change goes through :meth:`Record.change_state` (history and
``record.publicity_changed.v1``); every end is told to intake (``TemporaryRepairChanged``).

The changes come from intake as events that may overtake each other (a retried grant arriving
after the confirmation): whichever comes first decides, and a later one finding the repair
ended changes nothing. A confirmation without a grant before it repairs the records for good at
once; a termination or revocation without one leaves them as they are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from credit_common.contracts.reorganisation import (CourtRuling, ReorganisationChanged,
                                                    TemporaryRepairChanged)
from credit_common.contracts.vocabulary import PublicityState, TemporaryRepairState

from disclosure.domain.model import OUTCOME_TARGET, CauseKind, Record
from disclosure.domain.repair_outcomes import OUTCOME_FOR_TYPE

State = TemporaryRepairState
#: a record repaired for good: what a normal repair of its type leaves it as
REPAIRED_STATES = frozenset({PublicityState.stopped, PublicityState.removed,
                             PublicityState.restored})


def final_state(record: Record) -> str:
    return OUTCOME_TARGET[OUTCOME_FOR_TYPE[record.record_type]]


@dataclass(kw_only=True)
class TemporaryRepair:
    """One application's temporary repair, in the order of its life: whose records, how the
    case granted it, where it stands, how it ended."""

    application_id: uuid.UUID
    acceptance_number: str
    subject_code: str
    record_ids: list[uuid.UUID]
    decision_id: str | None = None
    granted_at: datetime | None = None
    expires_on: date | None = None
    accepting_ruling: dict | None = None
    state: State = State.temporary
    ended_at: datetime | None = None
    end_cause: str | None = None
    ending_ruling: dict | None = None
    events: list = field(default_factory=list, repr=False, compare=False)

    @property
    def running(self) -> bool:
        return self.state == State.temporary

    def _end(self, state: State, cause: str, at: datetime, changed: list[uuid.UUID],
             ruling: CourtRuling | None = None) -> None:
        self.state = state
        self.end_cause = cause
        self.ended_at = at
        if ruling is not None:
            self.ending_ruling = ruling.model_dump(mode="json")
        self.events.append(self._told(cause, at, changed))

    def _told(self, cause: str, at: datetime, changed: list[uuid.UUID]) -> TemporaryRepairChanged:
        return TemporaryRepairChanged(
            application_id=self.application_id, acceptance_number=self.acceptance_number,
            state=self.state, cause=cause, expires_on=self.expires_on, record_ids=changed,
            occurred_at=at)


def _ruling_text(ruling: CourtRuling | None) -> str:
    return f"{ruling.court}{ruling.case_number}" if ruling else ""


def _move(records: list[Record], from_states, to_state_of, cause_kind: str, cause_ref: str,
          at: datetime, note: str) -> list[uuid.UUID]:
    """Each record in one of ``from_states`` to its target; the ids of those that moved (a
    record something else changed meanwhile is left as it is)."""
    moved = []
    for record in records:
        if record.publicity_state in from_states and record.change_state(
                to_state_of(record), cause_kind, cause_ref, at, note):
            moved.append(record.id)
    return moved


def apply_change(repair: TemporaryRepair | None, change: ReorganisationChanged,
                 records: list[Record], at: datetime) -> TemporaryRepair | None:
    """What one of intake's changes does; returns the repair to store (None: nothing to)."""
    if change.change == "granted":
        return _grant(repair, change, records, at)
    if repair is None:
        # the grant is still on its way: the change decides, and the grant will find it ended
        repair = TemporaryRepair(application_id=change.application_id,
                                 acceptance_number=change.acceptance_number,
                                 subject_code=change.subject_code,
                                 record_ids=list(change.record_ids), decision_id=change.decision_id)
        if change.change == "plan_confirmed":
            ruling = change.ruling
            moved = _move(records, {PublicityState.active}, final_state,
                          CauseKind.reorganisation_plan_confirmed, _ruling_ref(ruling, change),
                          at, f"人民法院裁定批准重整计划（{_ruling_text(ruling)}），予以信用修复")
            repair._end(State.final, "plan_confirmed", at, moved, ruling)
        else:
            repair._end(State.reinstated, change.change, at, [], change.ruling)
        return repair
    if change.change == "revoked":
        if repair.state == State.reinstated:
            return None
        return revoke(repair, records, at, change.decision_id or change.acceptance_number)
    if not repair.running:
        return None  # ended already (a repeat, or the expiry came first): nothing changes
    if change.change == "plan_confirmed":
        return confirm(repair, change.ruling, records, at, _ruling_ref(change.ruling, change))
    if change.change == "terminated":
        ruling = change.ruling
        moved = _move(records, {PublicityState.temporarily_repaired},
                      lambda _: PublicityState.active, CauseKind.reorganisation_terminated,
                      _ruling_ref(ruling, change), at,
                      f"人民法院裁定终止重整程序（{_ruling_text(ruling)}），临时修复终止，恢复公示")
        repair._end(State.reinstated, "terminated", at, moved, ruling)
        return repair
    raise ValueError(f"unknown reorganisation change {change.change!r}")


def _ruling_ref(ruling: CourtRuling | None, change: ReorganisationChanged) -> str:
    return ruling.case_number if ruling else change.acceptance_number


def _grant(repair: TemporaryRepair | None, change: ReorganisationChanged, records: list[Record],
           at: datetime) -> TemporaryRepair | None:
    if repair is not None:
        return None  # a repeat, or the grant arriving after the repair ended
    ruling = change.ruling
    repair = TemporaryRepair(
        application_id=change.application_id, acceptance_number=change.acceptance_number,
        subject_code=change.subject_code, record_ids=list(change.record_ids),
        decision_id=change.decision_id, granted_at=at, expires_on=change.expires_on,
        accepting_ruling=ruling.model_dump(mode="json") if ruling else None)
    moved = _move(records, {PublicityState.active},
                  lambda _: PublicityState.temporarily_repaired, CauseKind.temporary_repair,
                  change.decision_id or change.acceptance_number, at,
                  f"破产重整期间临时修复（受理重整裁定：{_ruling_text(ruling)}），"
                  f"有效期至{change.expires_on}（含当日）")
    repair.events.append(repair._told("granted", at, moved))
    return repair


def confirm(repair: TemporaryRepair, ruling: CourtRuling | None, records: list[Record],
            at: datetime, cause_ref: str) -> TemporaryRepair:
    moved = _move(records, {PublicityState.temporarily_repaired}, final_state,
                  CauseKind.reorganisation_plan_confirmed, cause_ref, at,
                  f"人民法院裁定批准重整计划（{_ruling_text(ruling)}），临时修复转为信用修复")
    repair._end(State.final, "plan_confirmed", at, moved, ruling)
    return repair


def revoke(repair: TemporaryRepair, records: list[Record], at: datetime,
           cause_ref: str) -> TemporaryRepair:
    """The approval was revoked (fraud found): whatever the repair hid or repaired is
    publicised again."""
    hidden = {PublicityState.temporarily_repaired} | (
        REPAIRED_STATES if repair.state == State.final else set())
    moved = _move(records, hidden, lambda _: PublicityState.active, CauseKind.revocation,
                  cause_ref, at, "信用修复决定已撤销，恢复公示")
    repair._end(State.reinstated, "revoked", at, moved)
    return repair


def expired(repair: TemporaryRepair, today: date) -> bool:
    """``expires_on`` is the last day of the temporary repair: the day after, it has ended."""
    return repair.running and repair.expires_on is not None and repair.expires_on < today


def expire(repair: TemporaryRepair, records: list[Record], today: date, at: datetime,
           run_ref: str) -> bool:
    """The term ran out before the court confirmed a plan: the records are publicised again.
    False if it had not (or the repair ended meanwhile)."""
    if not expired(repair, today):
        return False
    moved = _move(records, {PublicityState.temporarily_repaired},
                  lambda _: PublicityState.active, CauseKind.temporary_repair_expired, run_ref,
                  at, f"临时修复有效期（至{repair.expires_on}）届满，未提交批准重整计划的裁定，恢复公示")
    repair._end(State.reinstated, "expired", at, moved)
    return True
