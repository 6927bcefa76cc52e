"""Reading the registry: a subject with its records, the record search, one record with its
history, the subjects of a phone."""

from __future__ import annotations

from credit_common.contracts.vocabulary import PublicityState
from credit_common.errors import NotFound, ValidationFailed
from credit_common.identity import is_mainland_mobile

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.model import Record, Subject
from disclosure.domain.search import RecordQuery
from disclosure.domain.subjects import checked_subject_code


def lookup_subject(code: str, uow: DisclosureUnitOfWork) -> tuple[Subject, list[Record]]:
    subject, records = uow.subjects.by_code_with_records(checked_subject_code(code, "code"))
    if subject is None:
        raise NotFound("SUBJECT_NOT_FOUND", "未找到该市场主体")
    return subject, records


def search_records(query: RecordQuery, uow: DisclosureUnitOfWork):
    return uow.records.search(query.validate())


def record_with_history(record_id: str, uow: DisclosureUnitOfWork):
    record = uow.records.get(record_id)
    if record is None:
        raise NotFound("RECORD_NOT_FOUND", "未找到该失信记录")
    return record, uow.subjects.get(record.subject_id), uow.records.history(record.id)


def subjects_by_phone(phone: str, uow: DisclosureUnitOfWork) -> list[Subject]:
    if not is_mainland_mobile(phone or ""):
        raise ValidationFailed("INVALID_PHONE", "请输入 11 位手机号码", {"field": "phone"})
    return uow.subjects.by_phone(phone)


def withdrawals_of(records: list[Record], uow: DisclosureUnitOfWork) -> dict:
    """The withdrawals of the withdrawn ones among ``records``, by record id (no query when
    none is: the public lookup is a hot read)."""
    withdrawn = [r.id for r in records if r.publicity_state == PublicityState.withdrawn]
    return uow.withdrawals.of_records(withdrawn) if withdrawn else {}
