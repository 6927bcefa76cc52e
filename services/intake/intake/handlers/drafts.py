"""Drafts: an applicant's for a subject they act for, an officer's at the counter, and
changes to the form while the application can still be edited."""

from __future__ import annotations

import uuid
from datetime import date

from credit_common.clock import now
from credit_common.contracts.registry import RegistryRecord

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import eligibility
from intake.domain import records as record_rules
from intake.domain.forms import checked_form
from intake.domain.guides import require_acknowledged
from intake.domain.model import Application, acceptance_number
from intake.handlers.access import own_application
from intake.handlers.guides import current_guide
from intake.handlers.rules import rules_on
from intake.handlers.subjects import bound_subject


def chosen_records(subject: dict, record_type: str, record_ids: list[str],
                   records: list[RegistryRecord], rules: eligibility.RuleVersion, day: date,
                   uow: IntakeUnitOfWork,
                   excluding: uuid.UUID | None = None) -> list[RegistryRecord]:
    """The records asked for, checked against those held by other open applications."""
    record_rules.require_selection(record_ids)
    known = list(dict.fromkeys(str(r.id) for r in records))
    held = uow.applications.open_record_ids(known, excluding)
    return record_rules.choose_records(subject, record_type, record_ids, records, held,
                                       rules, day)


def ready_to_submit(application: Application, form: dict, idempotency_key: str | None,
                    day: date, uow: IntakeUnitOfWork) -> str | None:
    """The acceptance number a first submission takes (None: a resubmission keeps its own),
    with the checked form and the request's key set on the draft."""
    number = None
    if application.acceptance_number is None:
        sequence = uow.applications.next_acceptance_sequence(application.district_code, day)
        number = acceptance_number(application.district_code, day, sequence)
    application.form = form
    application.idempotency_key = idempotency_key or application.idempotency_key
    return number


def create_draft(applicant_id: str, code: str, record_type: str, record_ids: list[str],
                 form: dict, records: list[RegistryRecord],
                 uow: IntakeUnitOfWork) -> Application:
    record_type = record_rules.checked_record_type(record_type)
    subject = bound_subject(applicant_id, code, uow)
    guide = current_guide(record_type, uow)
    require_acknowledged(
        uow.guides.acknowledged(applicant_id, "guide", record_type, guide["version"]), guide)
    at = now()
    rules = rules_on(at.date(), uow)
    chosen = chosen_records(subject, record_type, record_ids, records, rules,
                            at.date(), uow)
    application = Application.draft(
        applicant_id=uuid.UUID(str(applicant_id)), subject=subject, record_type=record_type,
        records=chosen, form=checked_form(form, rules, record_type, complete=False),
        rule_version=rules.version, at=at)
    uow.applications.add(application)
    # a draft already holds its records: two drafts cannot race to the same record
    uow.applications.hold_records(application)
    return application


def create_counter_draft(officer_id: str, officer_unit: str, subject: dict, record_type: str,
                         record_ids: list[str], form: dict, records: list[RegistryRecord],
                         uow: IntakeUnitOfWork) -> Application:
    """An officer files an application at the counter for a subject whose records their
    unit made (or, for other departments' penalties, of their district's credit section)."""
    record_type = record_rules.checked_record_type(record_type)
    at = now()
    rules = rules_on(at.date(), uow)
    chosen = chosen_records(subject, record_type, record_ids, records, rules,
                            at.date(), uow)
    record_rules.require_records_of_unit(chosen, subject, record_type, officer_unit)
    application = Application.draft(
        applicant_id=None, subject=subject, record_type=record_type, records=chosen,
        form=checked_form(form, rules, record_type, complete=False),
        rule_version=rules.version, at=at,
        counter_officer_id=uuid.UUID(str(officer_id)), counter_unit_code=officer_unit)
    uow.applications.add(application)
    uow.applications.hold_records(application)
    return application


def update_draft(applicant_id: str, application_id: str, form: dict, expected_version: int,
                 uow: IntakeUnitOfWork) -> Application:
    application = own_application(applicant_id, application_id, uow, for_update=True)
    application.require_version(expected_version)
    rules = rules_on(now().date(), uow)
    application.update_form(checked_form(form, rules, application.record_type, False), now())
    uow.applications.save(application)
    return application
