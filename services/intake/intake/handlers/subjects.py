"""The subjects an applicant acts for (bound with the legal notice acknowledged), and their
records with an eligibility answer each."""

from __future__ import annotations

from datetime import date

from credit_common.clock import now
from credit_common.contracts.registry import RegistryRecord
from credit_common.errors import Forbidden
from credit_common.identity import normalise_subject_code

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import eligibility
from intake.domain.guides import require_current_notice
from intake.domain.records import checked_record_type
from intake.handlers.guides import current_legal_notice
from intake.handlers.rules import rules_on


def bind_subject(applicant_id: str, subject: dict, method: str, legal_notice_version: int,
                 uow: IntakeUnitOfWork) -> dict:
    """Remember that this applicant may act for ``subject`` (checked by phone or by the
    registry), with the legal notice they acknowledged."""
    notice = current_legal_notice(uow)
    require_current_notice(legal_notice_version, notice)
    at = now()
    uow.guides.acknowledge(applicant_id, "legal_notice", "", notice["version"], at)
    uow.applicants.bind_subject(applicant_id, subject, method, notice["version"], at)
    return subject


def bound_subject(applicant_id: str, code: str, uow: IntakeUnitOfWork) -> dict:
    subject = uow.applicants.bound_subject(applicant_id, normalise_subject_code(code))
    if subject is None:
        raise Forbidden("SUBJECT_NOT_CONFIRMED", "请先确认市场主体身份")
    return subject


def assess_records(applicant_id: str, code: str, record_type: str | None,
                   records: list[RegistryRecord], uow: IntakeUnitOfWork, on: date | None = None) -> list[dict]:
    """Every record of the subject (of one type, if given) with its eligibility answer."""
    subject = bound_subject(applicant_id, code, uow)
    wanted = checked_record_type(record_type) if record_type else None
    shown = [r for r in records if wanted is None or r.record_type == wanted]
    day = on or now().date()
    rules = rules_on(day, uow)
    held = uow.applications.open_record_ids([str(r.id) for r in shown])
    return [{"record": r.model_dump(mode="json"), "eligibility": eligibility.assess(
        r, subject.get("kind", ""), rules, day, str(r.id) in held,
        subject_records=records).as_dict()} for r in shown]
