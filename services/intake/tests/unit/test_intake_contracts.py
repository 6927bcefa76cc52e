"""Intake reads what disclosure answers (the gateway passes it on) by its contract,
``credit_common.contracts.registry``: a payload built from the model is read field by field,
and one with a field renamed is refused, naming the field, instead of read as missing."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from credit_common.errors import ValidationFailed
from credit_common.testing import payloads
from intake import handlers
from intake.domain.eligibility import RuleVersion
from intake.service import registry_records, subject_snapshot

RULES = RuleVersion("test", date(2021, 1, 1), {"record_types": {
    "penalty_publicity": {"min_publicity_months": 6, "article": "第十四条"},
    "abnormal_operation_list": {"repairable_reasons": ["annual_report_overdue"]},
}})


class FakeUnitOfWork:
    """What ``assess_records`` asks of intake's own data: the bound subject, the rules and
    the records already held by an open application."""

    def __init__(self, subject: dict, held: set[str]):
        self.applicants = self
        self.rules = self
        self.applications = self
        self.subject, self.held = subject, held

    def bound_subject(self, applicant_id, code):
        return self.subject if code == self.subject["code"] else None

    def all(self):
        return [RULES]

    def open_record_ids(self, record_ids, excluding=None):
        return self.held & set(record_ids)


def test_records_built_from_the_contract_are_assessed_by_their_fields():
    subject = payloads.subject_snapshot()
    penalty = payloads.registry_record(
        record_type="penalty_publicity", penalty_kinds=["fine"], fine_amount="50000.00",
        penalty_domain="other", publicity_start_date="2026-01-10")
    young = payloads.registry_record(
        record_type="penalty_publicity", penalty_kinds=["fine"], fine_amount="50000.00",
        publicity_start_date="2026-05-10")
    removed = payloads.registry_record(
        record_type="abnormal_operation_list", publicity_state="removed",
        listing_reason="annual_report_overdue", listing_date="2025-01-05")
    held = payloads.registry_record(
        record_type="abnormal_operation_list", listing_reason="annual_report_overdue",
        listing_date="2025-01-05")
    uow = FakeUnitOfWork(subject, {held["id"]})
    answers = handlers.assess_records(str(uuid.uuid4()), subject["code"], None,
                                      registry_records([penalty, young, removed, held]), uow,
                                      on=date(2026, 8, 1))
    assert [a["record"] for a in answers] == [penalty, young, removed, held]  # passed on as is
    verdicts = [(a["eligibility"]["record_id"], a["eligibility"]["reason_code"])
                for a in answers]
    assert verdicts == [(penalty["id"], None), (young["id"], "PUBLICITY_TOO_SHORT"),
                        (removed["id"], "NOT_PUBLICISED"), (held["id"], "IN_OPEN_APPLICATION")]
    only = handlers.assess_records(str(uuid.uuid4()), subject["code"], "abnormal_operation_list",
                                   registry_records([penalty, removed]), uow,
                                   on=date(2026, 8, 1))
    assert [a["record"]["id"] for a in only] == [removed["id"]]


@pytest.mark.parametrize("field", ["publicity_state", "listing_date", "listing_unit_code",
                                   "penalty_kinds"])
def test_a_record_with_a_field_renamed_is_refused_naming_it(field):
    record = payloads.registry_record(record_type="abnormal_operation_list",
                                      listing_date="2025-01-05", listing_unit_code="44010601")
    record[f"{field}_renamed"] = record.pop(field)
    with pytest.raises(ValidationFailed) as raised:
        registry_records([payloads.registry_record(), record])
    assert raised.value.code == "VALIDATION_FAILED"
    assert f"1.{field}_renamed" in raised.value.details["fields"]


def test_the_subject_snapshot_is_kept_as_the_contract_says_and_nothing_else():
    snapshot = payloads.subject_snapshot(kind="cooperative")
    assert subject_snapshot(snapshot) == snapshot
    snapshot["subject_kind"] = snapshot.pop("kind")
    with pytest.raises(ValidationFailed) as raised:
        subject_snapshot(snapshot)
    assert {"kind", "subject_kind"} <= set(raised.value.details["fields"])
