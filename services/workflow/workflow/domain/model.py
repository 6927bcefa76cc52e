"""Cases as officers work them. Plain Python: no Nameko, no SQLAlchemy.

Every action an officer takes is one row of ``ACTIONS``: the statuses it may start from, the
status it leads to, the role it needs, and whether it needs an opinion. The case checks the
rule, moves, and records one step of its approval form (``Step``) and one event for the other
services; anything else is refused with a code and a Chinese message, changing nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from credit_common.contracts.events import (ApplicationSubmitted, CaseOpened,
                                            CaseStatusChanged, Event)
from credit_common.contracts.vocabulary import OFFICER_ROLE_LABELS, CaseAction, CaseStatus
from credit_common.contracts.vocabulary import OfficerRole as Role
from credit_common.contracts.vocabulary import RecordType
from credit_common.errors import Conflict, Forbidden, ValidationFailed
from credit_common.reference import organisation
from credit_common.reference.organisation import (UnitKind, offices_of, same_district_bureau,
                                                  unit)

OTHER_DEPARTMENT = RecordType.other_department_penalty


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    from_statuses: frozenset[str]
    to_status: str | None          # None: the status stays (transfer)
    role: str
    needs_opinion: bool


def _action(name, label, froms, to, role, needs_opinion):
    return Action(name, label, frozenset(froms), to, role, needs_opinion)


#: short names for the table and the rules below
A, S = CaseAction, CaseStatus

ACTIONS = {a.name: a for a in (
    _action(A.accept, "受理", {S.pending_acceptance}, S.accepted, Role.handler, False),
    _action(A.not_accept, "不予受理", {S.pending_acceptance}, S.not_accepted, Role.handler,
            True),
    _action(A.return_, "退回补正", {S.pending_acceptance, S.accepted}, S.returned, Role.handler,
            True),
    _action(A.transfer, "转办", {S.pending_acceptance, S.accepted}, None, Role.handler, True),
    _action(A.verify, "核实", {S.accepted}, S.under_review, Role.handler, True),
    _action(A.review, "审核", {S.under_review}, S.under_approval, Role.reviewer, True),
    _action(A.first_review, "初审", {S.under_review}, S.second_review, Role.reviewer, True),
    _action(A.second_review, "复审", {S.second_review}, S.under_approval,
            Role.section_head, True),
    _action(A.approve, "审批通过（准予修复）", {S.under_approval}, S.approved, Role.approver,
            True),
    _action(A.reject, "审批不通过（不予修复）", {S.under_approval}, S.rejected, Role.approver,
            True),
    _action(A.close, "办结", {S.approved, S.rejected, S.not_accepted}, S.closed, Role.handler,
            False),
    # fraud found after approval: the repair is revoked and the record restored
    _action(A.revoke, "撤销信用修复决定", {S.approved, S.closed}, S.revoked, Role.approver, True),
)}

#: the step each role acts on, for "my todo list"
ROLE_STATUSES = {
    Role.handler: {S.pending_acceptance, S.accepted, S.approved, S.rejected, S.not_accepted},
    Role.reviewer: {S.under_review},
    Role.section_head: {S.second_review},
    Role.approver: {S.under_approval},
}
#: statuses with a running deadline (returned waits for the applicant)
RUNNING_STATUSES = (S.pending_acceptance, S.accepted, S.under_review, S.second_review,
                    S.under_approval)
#: cases that wait for no officer are never overdue (a returned one waits for the applicant)
NOT_OVERDUE_STATUSES = (S.closed, S.withdrawn, S.returned, S.no_repair_needed)
#: before a decision: a case that a withdrawn penalty leaves with nothing to decide
UNDECIDED_STATUSES = frozenset({S.pending_acceptance, S.accepted, S.returned, S.under_review,
                                S.second_review, S.under_approval})
OPEN_STATUSES = {S.pending_acceptance, S.accepted, S.under_review, S.second_review,
                 S.under_approval, S.approved, S.rejected, S.not_accepted, S.returned}


@dataclass(frozen=True)
class Officer:
    id: uuid.UUID
    name: str
    unit_code: str
    roles: tuple[str, ...]
    phone: str = ""
    active: bool = True

    @property
    def district_code(self) -> str | None:
        found = unit(self.unit_code)
        return found.district_code if found else None


@dataclass
class Step:
    action: str
    from_status: str
    to_status: str
    officer_id: uuid.UUID | None
    officer_name: str
    unit_code: str
    opinion: str | None
    occurred_at: datetime
    target_unit_code: str | None = None


@dataclass
class Case:
    id: uuid.UUID
    application_id: uuid.UUID
    acceptance_number: str
    record_type: str
    subject_uscc: str
    subject_name: str
    district_code: str
    status: str
    submitted_at: datetime
    opened_at: datetime
    version: int = 1
    unit_code: str | None = None
    record_ids: list[str] = field(default_factory=list)
    handler_id: uuid.UUID | None = None
    first_reviewer_id: uuid.UUID | None = None
    accept_due: date | None = None
    decide_due: date | None = None
    accepted_at: datetime | None = None
    decided_at: datetime | None = None
    closed_at: datetime | None = None
    #: 退回补正 stops the clock (``domain.pauses``)
    paused_since: datetime | None = None
    paused_working_days_left: int | None = None
    paused_working_days_total: int = 0
    pause_count: int = 0
    events: list[Event] = field(default_factory=list, repr=False, compare=False)
    steps: list[Step] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def open_for(cls, submitted: ApplicationSubmitted, at: datetime,
                 accept_due: date | None = None) -> Case:
        case = cls(
            id=uuid.uuid4(), application_id=submitted.application_id,
            acceptance_number=submitted.acceptance_number, record_type=submitted.record_type,
            subject_uscc=submitted.subject_uscc, subject_name=submitted.subject_name,
            district_code=submitted.district_code, status=S.pending_acceptance,
            submitted_at=submitted.submitted_at, opened_at=at,
            unit_code=deciding_unit(submitted), record_ids=[str(i) for i in submitted.record_ids],
            accept_due=accept_due,
        )
        case.events.append(CaseOpened(case_id=case.id, application_id=case.application_id,
                                      acceptance_number=case.acceptance_number, opened_at=at))
        return case

    def resubmitted(self, at: datetime, accept_due: date | None) -> bool:
        """The applicant corrected a returned application: it waits for acceptance again."""
        if self.status != S.returned:
            return False
        self._record("resubmit", S.pending_acceptance, None, "申请人", self.unit_code or "",
                     "申请人补正后重新提交", at)
        self.accept_due = accept_due
        return True

    def withdrawn(self, at: datetime) -> bool:
        if self.status in (S.withdrawn, S.closed):
            return False
        self._record("withdraw", S.withdrawn, None, "申请人", self.unit_code or "",
                     "申请人撤回申请", at, announce=False)
        return True

    def penalty_withdrawn(self, record_id: str, note: str, at: datetime) -> bool:
        """A record of the case was itself withdrawn before a decision: a case about that
        record alone ends as 无需修复 and the applicant is told; a case about several keeps
        going for the others, the withdrawal noted in its approval form (disclosure leaves a
        withdrawn record as it is whatever is decided)."""
        if self.status not in UNDECIDED_STATUSES or str(record_id) not in self.record_ids:
            return False
        if len(self.record_ids) == 1:
            self.closed_at = at
            self._record("penalty_withdrawn", S.no_repair_needed, None, "系统",
                         self.unit_code or "", note, at)
        else:
            self._record("penalty_withdrawn", self.status, None, "系统", self.unit_code or "",
                         note, at, announce=False)
        return True

    def act(self, action_name: str, officer: Officer, opinion: str | None, at: datetime,
            *, target_unit_code: str | None = None, approver_may_handle: bool = False,
            decide_due: date | None = None) -> Step:
        action = ACTIONS.get(action_name)
        if action is None:
            raise ValidationFailed("UNKNOWN_ACTION", "未知的办理操作", {"action": action_name})
        refused = self.refusal(action_name, officer, approver_may_handle)
        if refused is not None:
            raise refused
        opinion = (opinion or "").strip() or None
        if action.needs_opinion and not opinion:
            raise ValidationFailed("OPINION_REQUIRED", f"“{action.label}”须填写意见或理由",
                                   {"field": "opinion"})
        if action_name == A.transfer:
            return self._transfer(officer, opinion, target_unit_code, at)
        target = action.to_status
        if action_name == A.accept:
            self.handler_id = officer.id
            self.accepted_at = at
            if self.decide_due is None:  # a clock resumed after a correction keeps running
                self.decide_due = decide_due
        if action_name == A.first_review:
            self.first_reviewer_id = officer.id
        if target in (S.approved, S.rejected, S.not_accepted):
            self.decided_at = at
        if target == S.closed:
            self.closed_at = at
        return self._record(action_name, target, officer.id, officer.name, officer.unit_code,
                            opinion, at)

    def refusal(self, action_name: str, officer: Officer,
                approver_may_handle: bool = False) -> Exception | None:
        """Why the officer may not take the action on the case as it is now, as the error to
        raise, or None. The one place of these rules: acting checks them, and the case page
        offers only the actions they allow (the opinion and a transfer's target are checked
        when acting)."""
        action = ACTIONS.get(action_name)
        if action is None:
            return ValidationFailed("UNKNOWN_ACTION", "未知的办理操作", {"action": action_name})
        if self.status not in action.from_statuses:
            return Conflict("ILLEGAL_TRANSITION", f"案件当前状态不能执行“{action.label}”",
                            {"status": self.status, "action": action_name})
        if action_name == A.second_review and not heads_second_review(officer, self.unit_code):
            return Forbidden("SECTION_HEAD_REQUIRED", "复审须由本区局信用监管科科长办理",
                             {"role": Role.section_head})
        if action.role not in officer.roles:
            return Forbidden("ROLE_REQUIRED",
                             f"“{action.label}”需要{OFFICER_ROLE_LABELS[action.role]}角色",
                             {"role": action.role})
        if self.record_type == OTHER_DEPARTMENT and action_name == A.review:
            return Conflict("TWO_REVIEWS_REQUIRED", "其他部门行政处罚须经初审、复审",
                            {"actions": [A.first_review, A.second_review]})
        if self.record_type != OTHER_DEPARTMENT and action_name in (A.first_review,
                                                                    A.second_review):
            return Conflict("ILLEGAL_TRANSITION", "该类型案件不设初审、复审", {"action": action_name})
        if action_name == A.second_review and officer.id == self.first_reviewer_id:
            return Forbidden("SAME_OFFICER", "复审须由初审以外的人员办理")
        if action_name in (A.approve, A.reject) and officer.id == self.handler_id \
                and not approver_may_handle:
            return Forbidden("APPROVER_IS_HANDLER", "审批人不能是本案的承办人")
        return None

    def _transfer(self, officer: Officer, reason: str, target_unit_code: str | None,
                  at: datetime) -> Step:
        target = unit(target_unit_code or "")
        if target is None:
            raise ValidationFailed("UNKNOWN_UNIT", "未知的接收单位", {"field": "target_unit_code"})
        if target.kind != UnitKind.office:
            raise ValidationFailed("TRANSFER_TARGET_NOT_OFFICE", "只能转办给市场监督管理所",
                                   {"field": "target_unit_code"})
        if target.code == self.unit_code:
            raise ValidationFailed("TRANSFER_TO_SAME_UNIT", "不能转办给本单位",
                                   {"field": "target_unit_code"})
        if not same_district_bureau(target.code, self.unit_code or ""):
            raise ValidationFailed("TRANSFER_OUTSIDE_DISTRICT", "只能转办给同一区局的其他监管所",
                                   {"field": "target_unit_code"})
        step = self._record(A.transfer, self.status, officer.id, officer.name,
                            officer.unit_code, reason, at, target_unit_code=target.code)
        self.unit_code = target.code
        self.handler_id = None
        return step

    def _record(self, action: str, to_status: str, officer_id, officer_name: str,
                unit_code: str, opinion: str | None, at: datetime,
                target_unit_code: str | None = None, announce: bool = True) -> Step:
        step = Step(action, self.status, to_status, officer_id, officer_name, unit_code,
                    opinion, at, target_unit_code)
        self.status = to_status
        self.version += 1
        self.steps.append(step)
        if announce:
            self.events.append(CaseStatusChanged(
                case_id=self.id, application_id=self.application_id,
                acceptance_number=self.acceptance_number, case_version=self.version,
                status=to_status if action != A.transfer else "transferred",
                occurred_at=at, note=opinion, record_type=self.record_type,
                record_ids=self.record_ids, unit_code=self.unit_code,
                decision_id=f"{self.id}:{self.version}" if to_status in (S.approved, S.revoked)
                else None))
        return step


def heads_second_review(officer: Officer, case_unit: str | None) -> bool:
    """复审 is the district credit section head's, wherever in the district the case is
    (a case may have been transferred to an office)."""
    mine, theirs = unit(officer.unit_code), unit(case_unit or "")
    return (Role.section_head in officer.roles and mine is not None and theirs is not None
            and mine.kind == UnitKind.credit_section
            and mine.district_code == theirs.district_code)


def deciding_unit(submitted: ApplicationSubmitted) -> str:
    """Where the case of a submitted application goes (``organisation.deciding_unit``)."""
    return organisation.deciding_unit(submitted.record_type, submitted.deciding_unit_code,
                                      submitted.district_code, submitted.subject_district_code)


def can_see(officer: Officer, case_unit: str | None) -> bool:
    """An office sees its cases, a district bureau (and its credit section) its district,
    the city bureau everything."""
    mine = unit(officer.unit_code)
    theirs = unit(case_unit or "")
    if mine is None or theirs is None:
        return False
    if mine.kind == UnitKind.city_bureau:
        return True
    if mine.kind in (UnitKind.district_bureau, UnitKind.credit_section):
        return mine.district_code == theirs.district_code
    return mine.code == theirs.code


def can_act(officer: Officer, case_unit: str | None, action: str | None = None) -> bool:
    """Acting needs the case to be the officer's own unit's (the city reads only); 复审 is the
    district credit section head's wherever in the district the case is, which the case's
    own rule checks (``SECTION_HEAD_REQUIRED``)."""
    if action == A.second_review:
        return can_see(officer, case_unit)
    return officer.unit_code == case_unit


def transfer_targets(case_unit: str | None) -> list:
    """Where a case of ``case_unit`` may be transferred: the other offices of the same
    district bureau (never the credit section, the bureau itself or another district)."""
    mine = unit(case_unit or "")
    if mine is None or not mine.district_code:
        return []
    return [u for u in offices_of(mine.district_code) if u.code != mine.code]
