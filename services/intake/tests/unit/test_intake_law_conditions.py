"""What the law asks beyond the record itself, as the baseline's rule data says it (migration
0009 adds it to the 2021 baseline): a penalty is repaired only off the lists, with no
same-kind penalty since and its obligations fulfilled; a serious-list entry only with no new
listing since. And a new rule version is checked against the schema before it is stored."""

from __future__ import annotations

import copy
import importlib.util
import pathlib
import uuid
from datetime import date

import pytest

from credit_common.contracts.registry import RegistryRecord
from credit_common.contracts.vocabulary import RECORD_TYPE_LABELS
from credit_common.errors import ValidationFailed
from intake.domain import rule_schema
from intake.domain.eligibility import RuleVersion, assess, recheck

VERSIONS = pathlib.Path(__file__).resolve().parents[2] / "migrations" / "versions"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, VERSIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _baseline() -> dict:
    """The 2021 baseline as stored after migration 0009."""
    rules = copy.deepcopy(_module("0002_applicant_side").BASELINE_RULES)
    for record_type, keys in _module("0009_baseline_conditions").CONDITIONS.items():
        rules["record_types"][record_type].update(keys)
    return rules


BASELINE = RuleVersion("2021.1", date(2021, 7, 30), _baseline())
TODAY = date(2026, 11, 24)


def penalty(record_id="p1", **changes) -> dict:
    return {"id": record_id, "record_type": "penalty_publicity", "publicity_state": "active",
            "penalty_kinds": ["fine"], "fine_amount": "50000.00", "severe": False,
            "penalty_domain": "food", "decision_number": "穗天市监处罚〔2025〕1号",
            "decision_date": "2025-03-01", "publicity_start_date": "2025-03-01",
            "obligations_fulfilled_on": "2025-04-01", **changes}


def listing(record_id="l1", record_type="abnormal_operation_list", **changes) -> dict:
    return {"id": record_id, "record_type": record_type, "publicity_state": "active",
            "listing_reason": "annual_report_overdue", "listing_date": "2025-06-01",
            **changes}


SUBJECT = uuid.uuid4()


def as_record(fields: dict) -> RegistryRecord:
    """A test record in the registry's shape (``p1`` and the like become stable ids)."""
    return RegistryRecord.model_validate({
        "subject_id": SUBJECT, "district_code": "440106",
        "record_type_label": RECORD_TYPE_LABELS[fields["record_type"]],
        **fields, "id": uuid.uuid5(SUBJECT, fields["id"])})


def judged(record, others=(), kind="enterprise"):
    return assess(as_record(record), kind, BASELINE, TODAY,
                  subject_records=[as_record(r) for r in (record, *others)])


def test_a_subject_on_the_abnormal_list_is_refused_its_penalty_repair():
    # the applicant's view before: "符合信用修复条件" for the penalty of a listed subject
    record = penalty()
    assert judged(record).eligible
    answer = judged(record, [listing()])
    assert (answer.eligible, answer.reason_code) == (False, "LISTED_NOW")
    assert "经营异常名录" in answer.reason and answer.rule_version == "2021.1"
    serious = listing("s1", "serious_illegal_list", listing_reason="serious_violation")
    assert "严重违法失信名单" in judged(record, [serious]).reason
    # a listing that has been removed, or expired, no longer stands in the way
    for state in ("removed", "restored", "expired"):
        assert judged(record, [listing(publicity_state=state)]).eligible


def test_a_later_penalty_of_the_same_kind_refuses_the_repair_an_earlier_or_other_does_not():
    record = penalty()
    later = penalty("p2", decision_date="2025-09-01", decision_number="穗天市监处罚〔2025〕9号")
    answer = judged(record, [later])
    assert (answer.eligible, answer.reason_code) == (False, "SAME_KIND_PENALTY_SINCE")
    assert "穗天市监处罚〔2025〕9号" in answer.reason and "2025年09月01日" in answer.reason
    for harmless in (penalty("p3", decision_date="2024-09-01"),          # before it
                     penalty("p4", decision_date="2025-09-01", penalty_domain="drugs"),
                     penalty("p5", decision_date="2025-09-01", publicity_state="removed"),
                     {**penalty("p6", decision_date="2025-09-01"),
                      "record_type": "other_department_penalty"}):
        assert judged(record, [harmless]).eligible, harmless
    # a later one of the same kind counts whether still public or not (it was a penalty)
    assert not judged(record, [penalty("p7", decision_date="2025-09-01",
                                       publicity_state="stopped")]).eligible


def test_unknown_fulfilment_asks_for_proof_and_a_stricter_version_refuses():
    unknown = penalty(obligations_fulfilled_on=None)
    answer = judged(unknown)
    assert answer.eligible and answer.reason_code is None
    assert "上传履行义务的证明材料" in answer.reason
    assert judged(penalty()).reason == "符合信用修复条件"
    assert "fulfilment_proof" in BASELINE.for_type("penalty_publicity")["materials"]
    strict = copy.deepcopy(BASELINE.rules)
    strict["record_types"]["penalty_publicity"]["obligations_fulfilled"] = "required"
    refused = assess(as_record(unknown), "enterprise",
                     RuleVersion("2027.1", date(2027, 1, 1), strict), TODAY,
                     subject_records=[as_record(unknown)])
    assert (refused.eligible, refused.reason_code) == (False, "OBLIGATIONS_NOT_FULFILLED")


def test_a_serious_listing_is_refused_when_the_subject_was_listed_again_since():
    record = listing("s1", "serious_illegal_list", listing_reason="serious_violation",
                     listing_date="2024-05-01", obligations_fulfilled_on="2024-06-01")
    assert judged(record).eligible
    again = listing("s2", "serious_illegal_list", listing_reason="serious_violation",
                    listing_date="2025-02-01", publicity_state="removed")
    answer = judged(record, [again])
    assert (answer.eligible, answer.reason_code) == (False, "LISTED_AGAIN_SINCE")
    assert "2025年02月01日" in answer.reason
    earlier = listing("s0", "serious_illegal_list", listing_date="2023-01-01")
    assert judged(record, [earlier, listing()]).eligible   # an older one, another list


def test_at_the_decision_only_the_conditions_on_the_other_records_are_checked_again():
    record = as_record(penalty(obligations_fulfilled_on=None))
    assert recheck(record, BASELINE, [record]) is None
    answer = recheck(record, BASELINE, [record, as_record(listing())])
    assert (answer.reason_code, answer.rule_version) == ("LISTED_NOW", "2021.1")


def test_without_the_subject_s_records_only_the_record_itself_is_judged():
    # the officer page's view as submitted: the snapshot alone
    assert assess(as_record(penalty()), "enterprise", BASELINE, TODAY).eligible


# -- the schema of a rule version --------------------------------------------------------

def test_the_shipped_baseline_passes_the_schema():
    rule_schema.check(BASELINE.rules)


@pytest.mark.parametrize("bad, field", [
    ({"record_types": {}}, "rules.record_types"),
    ({"record_types": {"nope": {"article": "x"}}}, "rules.record_types.nope"),
    ({"record_types": {"penalty_publicity": {"article": "x", "min_publicity_month": 3}}},
     "rules.record_types.penalty_publicity.min_publicity_month"),
    ({"record_types": {"penalty_publicity": {"article": "x", "min_publicity_months": "six"}}},
     "rules.record_types.penalty_publicity.min_publicity_months"),
    ({"record_types": {"penalty_publicity": {"article": "x", "materials": ["selfie"]}}},
     "rules.record_types.penalty_publicity.materials.0"),
    ({"record_types": {"penalty_publicity": {"article": "x",
                                             "not_listed_now": ["penalty_publicity"]}}},
     "rules.record_types.penalty_publicity.not_listed_now.0"),
    ({"record_types": {"serious_illegal_list": {"article": "x", "repairable_reasons": ["late"]}}},
     "rules.record_types.serious_illegal_list.repairable_reasons.0"),
    ({"record_types": {"serious_illegal_list": {"article": "x",
                                                "obligations_fulfilled": "proof_when_unknown"}}},
     "rules.record_types.serious_illegal_list"),
    ({"record_types": {"penalty_publicity": {"min_publicity_months": 3}}},
     "rules.record_types.penalty_publicity.article"),
    ({"record_types": {"penalty_publicity": {"article": "x",
                                             "min_publicity_months_by_domain": {"food": -1}}}},
     "rules.record_types.penalty_publicity.min_publicity_months_by_domain.food"),
])
def test_an_invalid_rule_version_is_refused_naming_the_field_in_chinese(bad, field):
    with pytest.raises(ValidationFailed) as refused:
        rule_schema.check(bad)
    assert refused.value.code == "INVALID_RULES"
    named = {e["field"] for e in refused.value.details["errors"]}
    assert field in named, refused.value.details
    assert all(e["message"] for e in refused.value.details["errors"])
    assert "规则内容不符合要求" in refused.value.message
