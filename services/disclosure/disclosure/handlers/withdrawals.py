"""An officer withdraws a penalty of ours after an administrative review, a court's judgment
or the deciding unit's own correction: publicity stops at once, the history names the ruling,
the ruling's file is kept, the other agencies and the subject are told, and workflow ends the
open repair cases about the record (``penalty_withdrawn``)."""

from __future__ import annotations

import uuid
from datetime import date

from credit_common.clock import now
from credit_common.contracts.events import PenaltyWithdrawn
from credit_common.contracts.officers import ActingOfficer
from credit_common.errors import Conflict, NotFound
from credit_common.identity import is_mainland_mobile
from credit_common.uploads import check_file_name, check_upload, safe_file_name

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.model import CauseKind, Record
from disclosure.domain.withdrawals import (Ruling, Withdrawal, checked_ruling, fingerprint,
                                           note_of, require_may_read_ruling,
                                           require_may_withdraw, require_publicised,
                                           same_ruling)


def withdraw_penalty(officer: ActingOfficer, record_id: str, kind: str | None,
                     number: str | None, ruling_date: date | None, reason: str | None,
                     file_name: str, content: bytes, max_bytes: int,
                     uow: DisclosureUnitOfWork) -> tuple[Withdrawal, Record, bool]:
    """The withdrawal and the record after it, and whether this call made it (False: the same
    ruling again, which changes nothing). Any refusal changes nothing."""
    record = uow.records.get(record_id, for_update=True)
    if record is None:
        raise NotFound("RECORD_NOT_FOUND", "未找到该失信记录")
    require_may_withdraw(officer, record)
    at = now()
    ruling = checked_ruling(kind, number, ruling_date, reason, at.date())
    held = uow.withdrawals.of_record(record.id)
    if held is not None:
        if same_ruling(held, ruling):
            return held, record, False
        raise Conflict("RECORD_ALREADY_WITHDRAWN", "该行政处罚信息已依据其他文书撤销",
                       {"ruling_number": held.ruling.number})
    require_publicised(record)
    check_file_name(file_name)
    checked = check_upload(content, max_bytes)
    withdrawal = Withdrawal(
        id=uuid.uuid4(), record_id=record.id, ruling=ruling, officer_id=str(officer.id),
        officer_name=officer.name, unit_code=officer.unit_code,
        file_name=safe_file_name(file_name, checked.content_type),
        content_type=checked.content_type, content=checked.content,
        sha256=fingerprint(checked.content), withdrawn_at=at)
    version = record.version
    record.change_state("withdrawn", CauseKind.withdrawal, str(withdrawal.id), at,
                        note=note_of(ruling))
    uow.records.save(record, version)
    uow.withdrawals.add(withdrawal)
    subject = uow.subjects.get(record.subject_id)
    uow.announce_withdrawal(withdrawal, record, subject)
    uow.publish(_event(withdrawal, record, subject, ruling))
    return withdrawal, record, True


def _event(withdrawal: Withdrawal, record: Record, subject, ruling: Ruling) -> PenaltyWithdrawn:
    phones = []
    for phone in (subject.legal_rep_phone, subject.liaison_phone):
        if phone and is_mainland_mobile(phone) and phone not in phones:
            phones.append(phone)
    return PenaltyWithdrawn(
        withdrawal_id=withdrawal.id, record_id=record.id, record_type=record.record_type,
        decision_number=record.decision_number, deciding_unit_code=record.deciding_unit_code,
        district_code=record.district_code, subject_code=subject.code, subject_name=subject.name,
        notify_phones=phones, ruling_kind=ruling.kind, ruling_kind_label=ruling.kind_label,
        ruling_number=ruling.number, ruling_date=ruling.ruling_date, reason=ruling.reason,
        officer_name=withdrawal.officer_name, withdrawn_at=withdrawal.withdrawn_at)


def withdrawal_file(record_id: str, viewer_unit_code: str,
                    uow: DisclosureUnitOfWork) -> Withdrawal:
    """The ruling's file kept with a withdrawn record, for officers of the district bureau
    that made the penalty (or of the city bureau): a ruling names people."""
    withdrawal = uow.withdrawals.of_record(record_id)
    if withdrawal is None:
        raise NotFound("WITHDRAWAL_NOT_FOUND", "该记录没有撤销文书")
    record = uow.records.get(withdrawal.record_id)
    require_may_read_ruling(viewer_unit_code, record.deciding_unit_code or "")
    return withdrawal
