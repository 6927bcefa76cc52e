"""Disclosure's use cases: ``(command, uow) -> result``; the entrypoint commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from credit_common.clock import now
from credit_common.contracts.interagency import (AgencyRecord, RecordUpserted,
                                                 RecordWithdrawn)
from credit_common.contracts.vocabulary import ListingReason, PublicityState, RecordType
from credit_common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from credit_common.identity import (is_mainland_mobile, is_valid_document,
                                     normalise_subject_code, subject_code_kind)
from credit_common.reference.organisation import DISTRICTS
from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.model import CauseKind, PENALTY_TYPES, Record, Subject
from disclosure.domain.rules import (add_years, earliest_listing_date_due,
                                     penalty_candidates, terms_on)
from disclosure.domain.search import RecordQuery


def checked_subject_code(code: str, field: str = "subject_code") -> str:
    code = normalise_subject_code(code or "")
    if subject_code_kind(code) is None:
        raise ValidationFailed("INVALID_SUBJECT_CODE",
                               "统一社会信用代码或注册号格式或校验位错误", {"field": field})
    return code


# -- queries -----------------------------------------------------------------------------------

def lookup_subject(code: str, uow: DisclosureUnitOfWork) -> tuple[Subject, list[Record]]:
    subject, records = uow.subjects.by_code_with_records(checked_subject_code(code, "code"))
    if subject is None:
        raise NotFound("SUBJECT_NOT_FOUND", "未找到该市场主体")
    return subject, records


def search_records(query: RecordQuery, uow: DisclosureUnitOfWork):
    query.validate()
    if query.district_code and query.district_code not in DISTRICTS:
        raise ValidationFailed("UNKNOWN_DISTRICT", "未知的区划代码", {"field": "district_code"})
    if query.subject_code:
        query.subject_code = checked_subject_code(query.subject_code)
    if query.after:
        try:
            uuid.UUID(query.after)
        except ValueError:
            raise ValidationFailed("INVALID_CURSOR", "翻页游标无效", {"field": "cursor"}) from None
    return uow.records.search(query)


def record_with_history(record_id: str, uow: DisclosureUnitOfWork):
    record = uow.records.get(record_id)
    if record is None:
        raise NotFound("RECORD_NOT_FOUND", "未找到该失信记录")
    return record, uow.subjects.get(record.subject_id), uow.records.history(record.id)


def subjects_by_phone(phone: str, uow: DisclosureUnitOfWork) -> list[Subject]:
    if not is_mainland_mobile(phone or ""):
        raise ValidationFailed("INVALID_PHONE", "请输入 11 位手机号码", {"field": "phone"})
    return uow.subjects.by_phone(phone)


@dataclass(frozen=True)
class IdentityAttempts:
    """How many failed manual checks pause further tries, and for how long."""
    max_failures: int
    lock_s: int


def verify_identity(applicant_id: str, code: str, name: str, legal_rep_name: str,
                    document_type: str, document_number: str, attempts: IdentityAttempts,
                    uow: DisclosureUnitOfWork) -> dict:
    """Manual identity: checksums first, then the registry. Every attempt is recorded; a
    mismatch says only that something differs (naming the field would let a masked ID be
    completed by trying), and after ``max_failures`` mismatches by the applicant or against
    the subject within ``lock_s`` further tries wait. The answer is returned, not raised,
    so the attempt is committed either way."""
    code = checked_subject_code(code, "subject_code")
    document_number = (document_number or "").strip().upper()
    if not is_valid_document(document_type, document_number):
        raise ValidationFailed("INVALID_DOCUMENT_NUMBER", "证件号码格式或校验位错误",
                               {"field": "document_number"})
    at = now()
    by_applicant, on_subject, latest = uow.identity_failures_since(
        at - timedelta(seconds=attempts.lock_s), applicant_id, code)
    if max(by_applicant, on_subject) >= attempts.max_failures:
        uow.record_identity_check(applicant_id, code, "locked", at)
        wait_s = attempts.lock_s - int((at - latest).total_seconds())
        return {"outcome": "locked", "retry_after_s": max(1, wait_s)}
    subject = uow.subjects.by_code(code)
    matched = subject is not None and all(
        (given or "").strip() == (held or "").strip() for given, held in (
            (name, subject.name), (legal_rep_name, subject.legal_rep_name),
            (document_type, subject.legal_rep_document_type),
            (document_number, (subject.legal_rep_document_number or "").upper())))
    uow.record_identity_check(applicant_id, code, "matched" if matched else "mismatch", at)
    if not matched:
        return {"outcome": "mismatch"}
    return {"outcome": "matched", "subject": subject}


def set_proof_material_mode(code: str, enabled: bool, admin: dict,
                            uow: DisclosureUnitOfWork) -> Subject:
    """An administrator lets a subject's legal representative upload a proof of special
    circumstances instead of signing in person (Zhejiang flow); only for a subject their
    unit (an office) or district (a district bureau) registered, any for the city's."""
    subject = uow.subjects.by_code(checked_subject_code(code, "code"))
    if subject is None:
        raise NotFound("SUBJECT_NOT_FOUND", "未找到该市场主体")
    units, districts = admin.get("units"), admin.get("districts")
    if ((units is not None and subject.registration_unit_code not in units)
            or (districts is not None and subject.district_code not in districts)):
        raise Forbidden("SUBJECT_OUTSIDE_SCOPE", "只能设置本单位（本辖区）登记的市场主体",
                        {"code": code})
    subject.proof_material_mode = bool(enabled)
    uow.subjects.save(subject)
    return subject


# -- repair outcomes ---------------------------------------------------------------------------

def apply_repair_outcome(decision_id: str, record_id: str, outcome: str,
                         uow: DisclosureUnitOfWork) -> dict:
    """Apply what a decision decided to its record, once: a replay of the same decision id
    returns the first answer and changes nothing."""
    if not decision_id or len(decision_id) > 100:
        raise ValidationFailed("INVALID_DECISION_ID", "决定编号无效", {"field": "decision_id"})
    applied = uow.outcome_applied(decision_id)
    if applied is not None:
        if str(applied["record_id"]) != str(record_id) or applied["outcome"] != outcome:
            raise Conflict("DECISION_ALREADY_APPLIED", "该决定已按其他内容执行",
                           {"decision_id": decision_id})
        return {"decision_id": decision_id, "record_id": str(record_id), "outcome": outcome,
                "changed": False}
    record = uow.records.get(record_id, for_update=True)
    if record is None:
        raise NotFound("RECORD_NOT_FOUND", "未找到该失信记录")
    if not uow.record_outcome(decision_id, record.id, outcome):
        # a concurrent call applied it while this one waited for the row lock
        return apply_repair_outcome(decision_id, record_id, outcome, uow)
    version = record.version
    changed = record.apply_outcome(outcome, decision_id, now())
    if changed:
        uow.records.save(record, version)
        uow.announce_changes(record, uow.subjects.get(record.subject_id))
    return {"decision_id": decision_id, "record_id": str(record.id), "outcome": outcome,
            "changed": changed, "publicity_state": record.publicity_state}


#: what approving a repair does to each type of record (DOMAIN.md)
OUTCOME_FOR_TYPE = {
    RecordType.penalty_publicity: "stop_publicity",
    RecordType.other_department_penalty: "stop_publicity",
    RecordType.serious_illegal_list: "remove_from_list",
    RecordType.abnormal_operation_list: "remove_from_list",
    RecordType.cooperative_abnormal_list: "remove_from_list",
    RecordType.individual_abnormal_status: "restore_normal_status",
}


def apply_case_decision(envelope, uow: DisclosureUnitOfWork) -> list[dict]:
    """Workflow approved a repair (or revoked one): change every record of the case once.
    Each record's change is keyed by ``<decision id>/<record id>``, so a redelivered event,
    or the same decision through the RPC, changes nothing twice."""
    from credit_common.contracts.events import CaseStatusChanged

    if not uow.claim("disclosure.case_decision", envelope.message_id):
        return []
    event = CaseStatusChanged.model_validate(envelope.data)
    if event.status not in ("approved", "revoked") or not event.decision_id:
        return []
    if not uow.advance_case(event.case_id, event.case_version):
        # a revocation overtook the approval it revokes: the approval is not applied after it
        return []
    results = []
    for record_id in event.record_ids:
        record = uow.records.get(record_id)
        if record is None:
            raise NotFound("RECORD_NOT_FOUND", "未找到该失信记录")
        outcome = "revoke_repair" if event.status == "revoked" else \
            OUTCOME_FOR_TYPE[RecordType(record.record_type)]
        results.append(apply_repair_outcome(f"{event.decision_id}/{record_id}", str(record_id),
                                            outcome, uow))
    return results


# -- other agencies ----------------------------------------------------------------------------

class RejectedMessage(Exception):
    """A message that can never be applied: dead-letter it with this reason."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def ingest_agency_message(message: RecordUpserted | RecordWithdrawn,
                          uow: DisclosureUnitOfWork, today: date | None = None) -> str:
    """Apply one inter-agency message exactly once; returns what happened."""
    if not uow.claim("disclosure.interagency", message.message_id):
        return "duplicate"
    today = today or now().date()
    if isinstance(message, RecordUpserted):
        return _upsert_agency_record(message, message.payload, uow, today)
    withdrawal = message.payload
    record = uow.records.by_source(message.source_agency, withdrawal.source_record_id,
                                   for_update=True)
    if record is None:
        raise RejectedMessage("UNKNOWN_RECORD", "撤回的记录不存在")
    if withdrawal.version <= record.source_version:
        return "stale"
    version = record.version
    record.source_version = withdrawal.version
    record.change_state(PublicityState.removed, CauseKind.message, str(message.message_id),
                        now(), note=withdrawal.reason)
    uow.records.save(record, version)
    uow.announce_changes(record, uow.subjects.get(record.subject_id))
    return "withdrawn"


def _check_agency_record(incoming: AgencyRecord, today: date) -> str:
    code = normalise_subject_code(incoming.subject_code)
    if subject_code_kind(code) is None:
        raise RejectedMessage("INVALID_SUBJECT_CODE", "统一社会信用代码或注册号校验位错误")
    if incoming.district_code not in DISTRICTS:
        raise RejectedMessage("UNKNOWN_DISTRICT", f"未知的区划代码 {incoming.district_code}")
    for name in ("decision_date", "publicity_start_date"):
        value = getattr(incoming, name)
        if value is not None and value > today:
            raise RejectedMessage("DATE_IN_FUTURE", f"{name} 晚于今天")
    if incoming.record_type not in PENALTY_TYPES:
        raise RejectedMessage("UNSUPPORTED_RECORD_TYPE", "其他部门只能推送行政处罚记录")
    return code


def _upsert_agency_record(message: RecordUpserted, incoming: AgencyRecord,
                          uow: DisclosureUnitOfWork, today: date) -> str:
    code = _check_agency_record(incoming, today)
    subject = uow.subjects.by_code(code)
    if subject is None:
        subject = Subject(
            id=uuid.uuid4(), name=incoming.subject_name, kind=incoming.subject_kind,
            district_code=incoming.district_code, registration_unit_code=incoming.district_code,
            uscc=code if len(code) == 18 else None,
            registration_number=code if len(code) == 15 else None)
        uow.subjects.add(subject)
    record = uow.records.by_source(message.source_agency, incoming.source_record_id,
                                   for_update=True)
    fields = dict(
        record_type=incoming.record_type, district_code=incoming.district_code,
        decision_number=incoming.decision_number, decision_date=incoming.decision_date,
        publicity_start_date=incoming.publicity_start_date or incoming.decision_date,
        publicity_end_date=incoming.publicity_end_date,
        penalty_domain=incoming.penalty_domain,
        penalty_kinds=[k.value for k in incoming.penalty_kinds],
        fine_amount=incoming.fine_amount, severe=incoming.severe,
        deciding_department_name=incoming.deciding_department_name,
        source_version=incoming.version)
    if record is None:
        record = Record(id=uuid.uuid4(), subject_id=subject.id,
                        source_agency=message.source_agency,
                        source_record_id=incoming.source_record_id, **fields)
        record.created(CauseKind.message, str(message.message_id), now())
        uow.records.add(record)
        uow.announce_changes(record, subject)
        return "created"
    if incoming.version <= record.source_version:
        return "stale"
    version = record.version
    for name, value in fields.items():
        setattr(record, name, value)
    record.version += 1
    uow.records.save(record, version)
    return "updated"


# -- scheduled jobs ----------------------------------------------------------------------------

def expire_serious_listings(today: date, uow: DisclosureUnitOfWork, batch: int = 500) -> int:
    """Serious-list entries leave the list when their term ends (SAMR order 44 art. 21)."""
    changed = 0
    cutoff = earliest_listing_date_due(today, lambda t: t.serious_list_term_years)
    for record in uow.records.active_listed_before(RecordType.serious_illegal_list, cutoff,
                                                   batch):
        terms = terms_on(record.listing_date)
        if add_years(record.listing_date, terms.serious_list_term_years) > today:
            continue
        _expire(record, f"expire_serious_listings:{today}", uow,
                f"列入严重违法失信名单满{terms.serious_list_term_years}年，依据{terms.version}移出")
        changed += 1
    return changed


def escalate_abnormal_listings(today: date, uow: DisclosureUnitOfWork, batch: int = 500) -> int:
    """Abnormal-list entries unresolved for the term move to the serious list."""
    changed = 0
    cutoff = earliest_listing_date_due(today, lambda t: t.abnormal_to_serious_years)
    for record in uow.records.active_listed_before(RecordType.abnormal_operation_list, cutoff,
                                                   batch):
        terms = terms_on(record.listing_date)
        if add_years(record.listing_date, terms.abnormal_to_serious_years) > today:
            continue
        run_ref = f"escalate_abnormal_listings:{today}"
        _expire(record, run_ref, uow, f"列入经营异常名录满{terms.abnormal_to_serious_years}年"
                "仍未履行相关义务，转入严重违法失信名单")
        serious = Record(
            id=uuid.uuid4(), subject_id=record.subject_id,
            record_type=RecordType.serious_illegal_list, district_code=record.district_code,
            source_record_id=f"escalated-from-{record.id}",
            listing_reason=ListingReason.abnormal_three_years, listing_date=today,
            listing_unit_code=record.listing_unit_code)
        serious.created(CauseKind.job, run_ref, now())
        uow.records.add(serious)
        uow.announce_changes(serious, uow.subjects.get(record.subject_id))
        changed += 1
    return changed


def end_penalty_publicity(today: date, uow: DisclosureUnitOfWork, batch: int = 500) -> int:
    """A penalty is publicised through the last day of its term (the end date given, or the
    term of the version in force on the decision day) and ends the day after, whatever
    weekday or holiday that is: the term counts calendar days."""
    changed = 0
    for record in uow.records.active_penalties_ending_by(penalty_candidates(today), batch):
        terms = terms_on(record.decision_date)
        last_day = record.publicity_end_date or terms.penalty_publicity_last_day(
            record.publicity_start_date or record.decision_date, record.penalty_kinds,
            record.fine_amount, record.severe)
        if last_day >= today:
            continue
        _expire(record, f"end_penalty_publicity:{today}", uow,
                f"公示期满（公示至{last_day}，依据{terms.version}）")
        changed += 1
    return changed


def _expire(record: Record, run_ref: str, uow: DisclosureUnitOfWork, note: str) -> None:
    version = record.version
    record.change_state(PublicityState.expired, CauseKind.job, run_ref, now(), note)
    uow.records.save(record, version)
    uow.announce_changes(record, uow.subjects.get(record.subject_id))


JOBS = {
    "expire_serious_listings": expire_serious_listings,
    "escalate_abnormal_listings": escalate_abnormal_listings,
    "end_penalty_publicity": end_penalty_publicity,
}


def run_daily_jobs(today: date, uow: DisclosureUnitOfWork) -> dict[str, int | None]:
    """Each job once per day however many instances call this: the first to insert the
    day's ``job_runs`` row does it; the others find the row and skip."""
    results: dict[str, int | None] = {}
    for name, job in JOBS.items():
        if not uow.start_job_run(name, today.isoformat()):
            results[name] = None
            continue
        affected = job(today, uow)
        uow.finish_job_run(name, today.isoformat(), affected)
        results[name] = affected
    return results
