"""Our own penalty withdrawn after an administrative review, a court's judgment or the deciding
unit's own correction (DOMAIN.md: "a penalty revoked by review/court is withdrawn within 3
working days (not a repair; an officer action)"). Who may do it, what the request must carry,
and when a repeat is the same withdrawal. Plain Python."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from credit_common.contracts.interagency import OUR_AGENCY
from credit_common.contracts.officers import ActingOfficer
from credit_common.contracts.vocabulary import (WITHDRAWAL_RULING_KIND_LABELS, OfficerRole,
                                                PublicityState, RecordType,
                                                WithdrawalRulingKind)
from credit_common.errors import Conflict, Forbidden, ValidationFailed
from credit_common.reference.organisation import CITY_BUREAU_CODE, same_district_bureau

from disclosure.domain.model import Record

#: who decides that the bureau's penalty no longer stands
WITHDRAWING_ROLES = frozenset({OfficerRole.approver})
MAX_RULING_NUMBER = 100
MAX_REASON = 500


@dataclass(frozen=True)
class Ruling:
    kind: str
    number: str
    ruling_date: date
    reason: str

    @property
    def kind_label(self) -> str:
        return WITHDRAWAL_RULING_KIND_LABELS[WithdrawalRulingKind(self.kind)]


@dataclass
class Withdrawal:
    id: uuid.UUID
    record_id: uuid.UUID
    ruling: Ruling
    officer_id: str
    officer_name: str
    unit_code: str
    file_name: str
    content_type: str
    content: bytes
    sha256: str
    withdrawn_at: datetime

    @property
    def verification_code(self) -> str:
        """What anyone holding the ruling's file can check against the stored copy."""
        return self.sha256[:12].upper()


def checked_ruling(kind: str | None, number: str | None, ruling_date: date | None,
                   reason: str | None, today: date) -> Ruling:
    """The ruling as the officer entered it, or ``ValidationFailed`` naming every bad field."""
    problems: dict[str, str] = {}
    if kind not in set(WithdrawalRulingKind):
        problems["ruling_kind"] = "请选择撤销依据：" + "、".join(WITHDRAWAL_RULING_KIND_LABELS.values())
    number = (number or "").strip()
    if not 2 <= len(number) <= MAX_RULING_NUMBER:
        problems["ruling_number"] = f"请填写决定书或判决书文号（2–{MAX_RULING_NUMBER} 个字符）"
    if ruling_date is None:
        problems["ruling_date"] = "请填写决定或判决日期"
    elif ruling_date > today:
        problems["ruling_date"] = "决定或判决日期不能晚于今天"
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= MAX_REASON:
        problems["reason"] = f"请填写撤销理由（2–{MAX_REASON} 个字符）"
    if problems:
        raise ValidationFailed("INVALID_WITHDRAWAL", "撤销申请填写有误：" + "；".join(problems.values()),
                               {"fields": problems})
    return Ruling(str(kind), number, ruling_date, reason)


def require_may_withdraw(officer: ActingOfficer, record: Record) -> None:
    """Only an active approver of the district bureau whose unit made the penalty, and only a
    penalty of ours (another department withdraws its own over the bus)."""
    if not officer.active:
        raise Forbidden("OFFICER_DISABLED", "该账号已停用")
    deciding = record.deciding_unit_code
    if record.record_type != RecordType.penalty_publicity or record.source_agency != OUR_AGENCY \
            or not deciding:
        raise Conflict("NOT_OWN_PENALTY", "只能撤销本局作出的行政处罚信息（其他部门的处罚由其自行撤回）",
                       {"record_type": record.record_type})
    if not (deciding == officer.unit_code or same_district_bureau(deciding, officer.unit_code)):
        raise Forbidden("RECORD_NOT_OF_MY_DISTRICT", "只能撤销本区局辖内单位作出的行政处罚",
                        {"deciding_unit_code": deciding})
    if not WITHDRAWING_ROLES & set(officer.roles):
        raise Forbidden("ROLE_REQUIRED", "撤销行政处罚公示需要审批人角色",
                        {"role": OfficerRole.approver})


def require_may_read_ruling(viewer_unit_code: str, deciding_unit_code: str) -> None:
    if viewer_unit_code == CITY_BUREAU_CODE or viewer_unit_code == deciding_unit_code \
            or same_district_bureau(viewer_unit_code, deciding_unit_code):
        return
    raise Forbidden("RECORD_NOT_OF_MY_DISTRICT", "只能查看本区局辖内单位作出的行政处罚的撤销文书",
                    {"deciding_unit_code": deciding_unit_code})


def same_ruling(held: Withdrawal, ruling: Ruling) -> bool:
    """A repeat of the withdrawal already made: the same kind of ruling with the same number."""
    return held.ruling.kind == ruling.kind and held.ruling.number == ruling.number


def require_publicised(record: Record) -> None:
    if record.publicity_state == PublicityState.withdrawn:
        raise Conflict("RECORD_ALREADY_WITHDRAWN", "该行政处罚信息已撤销",
                       {"publicity_state": record.publicity_state})
    if record.publicity_state != PublicityState.active:
        raise Conflict("RECORD_NOT_PUBLICISED", "该记录当前未在公示，不能撤销",
                       {"publicity_state": record.publicity_state})


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def note_of(ruling: Ruling) -> str:
    """The history entry's note: what revoked the penalty and why."""
    return f"{ruling.kind_label}（{ruling.number}，{ruling.ruling_date.isoformat()}）：{ruling.reason}"
