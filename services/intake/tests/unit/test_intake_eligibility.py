"""Eligibility under versioned rules, calendar-exact months, and what uploads are accepted."""

from __future__ import annotations

import importlib.util
import pathlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit_common.contracts.registry import RegistryRecord
from credit_common.testing.payloads import registry_record
from intake.domain.eligibility import RuleVersion, add_months, assess, rule_in_force
from intake.domain.materials import safe_file_name, sniff_content_type

MIGRATION = pathlib.Path(__file__).resolve().parents[2] / "migrations" / "versions" / \
    "0002_applicant_side.py"


def _baseline() -> dict:
    spec = importlib.util.spec_from_file_location("baseline", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BASELINE_RULES


BASELINE = RuleVersion("2021.1", date(2021, 7, 30), _baseline())


def penalty(**changes) -> RegistryRecord:
    return RegistryRecord.model_validate(registry_record(**{
        "record_type": "penalty_publicity", "publicity_state": "active",
        "penalty_kinds": ["fine"], "fine_amount": "50000.00", "severe": False,
        "penalty_domain": "other", "publicity_start_date": "2026-01-10", **changes}))


def listing(**changes) -> RegistryRecord:
    return RegistryRecord.model_validate(registry_record(**{
        "record_type": "serious_illegal_list", "publicity_state": "active",
        "listing_reason": "abnormal_three_years", "listing_date": "2025-12-01", **changes}))


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 8, 31), 6, date(2027, 2, 28)),   # never 3 March
    (date(2027, 8, 31), 6, date(2028, 2, 29)),   # leap year
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 3, 15), 12, date(2027, 3, 15)),
    (date(2026, 12, 31), 2, date(2027, 2, 28)),
])
def test_months_are_calendar_exact(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=0, max_value=60))
def test_adding_months_never_overshoots_the_target_month(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day <= start.day


def test_a_penalty_is_eligible_after_six_months_and_says_when_before():
    early = assess(penalty(), "enterprise", BASELINE, date(2026, 7, 9))
    assert (early.eligible, early.reason_code) == (False, "PUBLICITY_TOO_SHORT")
    assert early.earliest_eligible_date == date(2026, 7, 10)
    assert early.rule_version == "2021.1" and "第十四条" in early.article
    assert assess(penalty(), "enterprise", BASELINE, date(2026, 7, 10)).eligible


def test_food_drugs_and_special_equipment_wait_a_year():
    answer = assess(penalty(penalty_domain="food"), "enterprise", BASELINE, date(2026, 8, 1))
    assert answer.reason_code == "PUBLICITY_TOO_SHORT"
    assert answer.earliest_eligible_date == date(2027, 1, 10)


def test_severe_and_light_penalties_are_not_repairable_by_application():
    day = date(2027, 6, 1)
    assert assess(penalty(severe=True), "enterprise", BASELINE, day).reason_code == "SEVERE_PENALTY"
    revoked = penalty(penalty_kinds=["fine", "licence_revocation"])
    assert assess(revoked, "enterprise", BASELINE, day).reason_code == "SEVERE_PENALTY"
    for light in (penalty(penalty_kinds=["warning"], fine_amount=None),
                  penalty(penalty_kinds=["circulated_criticism"], fine_amount=None),
                  penalty(fine_amount="3000.00")):
        assert assess(light, "enterprise", BASELINE, day).reason_code == "SHORT_PUBLICITY_ONLY"
    assert assess(penalty(penalty_kinds=["warning", "fine"]), "enterprise", BASELINE,
                  day).eligible


def test_lists_check_reason_duration_and_subject_kind():
    day = date(2026, 11, 26)
    serious = assess(listing(), "enterprise", BASELINE, day)
    assert serious.reason_code == "LISTED_TOO_SHORT"
    assert serious.earliest_eligible_date == date(2026, 12, 1)
    assert assess(listing(listing_date="2025-11-26"), "enterprise", BASELINE, day).eligible
    abnormal = listing(record_type="individual_abnormal_status",
                       listing_reason="false_information")
    assert assess(abnormal, "individual_business", BASELINE, day).reason_code == \
        "REASON_NOT_REPAIRABLE"
    assert assess(listing(record_type="abnormal_operation_list",
                          listing_reason="annual_report_overdue"),
                  "cooperative", BASELINE, day).reason_code == "WRONG_SUBJECT_KIND"
    assert assess(listing(publicity_state="removed"), "enterprise", BASELINE,
                  day).reason_code == "NOT_PUBLICISED"
    assert assess(listing(listing_date="2020-01-01"), "enterprise", BASELINE, day,
                  in_open_application=True).reason_code == "IN_OPEN_APPLICATION"


def test_the_version_in_force_on_the_day_decides():
    stricter_rules = {"record_types": {**BASELINE.rules["record_types"], "penalty_publicity": {
        **BASELINE.rules["record_types"]["penalty_publicity"], "min_publicity_months": 12,
        "article": "新规第八条"}}}
    stricter = RuleVersion("2026.1", date(2026, 4, 1), stricter_rules)
    versions = [BASELINE, stricter]
    assert rule_in_force(versions, date(2026, 3, 31)).version == "2021.1"
    assert rule_in_force(versions, date(2026, 4, 1)).version == "2026.1"
    before = assess(penalty(), "enterprise", rule_in_force(versions, date(2026, 3, 31)),
                    date(2026, 7, 20))
    after = assess(penalty(), "enterprise", rule_in_force(versions, date(2026, 7, 20)),
                   date(2026, 7, 20))
    assert before.eligible and not after.eligible
    assert (after.rule_version, after.article) == ("2026.1", "新规第八条")
    with pytest.raises(LookupError):
        rule_in_force(versions, date(2020, 1, 1))


def test_uploads_are_judged_by_their_content():
    assert sniff_content_type(b"%PDF-1.7\n") == "application/pdf"
    assert sniff_content_type(b"\xff\xd8\xff\xe0JFIF") == "image/jpeg"
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_content_type(b"MZ\x90\x00") is None          # a Windows executable
    assert sniff_content_type(b"\x7fELF\x02\x01") is None     # a Linux one
    assert sniff_content_type(b"<html><script>") is None


def test_file_names_are_made_safe_and_match_the_content():
    assert safe_file_name("../../etc/passwd", "application/pdf") == "passwd.pdf"
    assert safe_file_name("C:\\Users\\证明材料.exe", "image/png") == "证明材料.png"
    assert safe_file_name("履行 证明;rm -rf.pdf", "application/pdf") == "履行_证明_rm_-rf.pdf"
    assert safe_file_name("", "image/jpeg") == "材料.jpg"
    assert len(safe_file_name("长" * 300 + ".pdf", "application/pdf")) <= 84
