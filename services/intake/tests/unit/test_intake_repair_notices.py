"""两书同达: what the 信用修复告知书 tells the subject, from the rule version's data."""

from __future__ import annotations

import importlib.util
import pathlib
from datetime import date

from credit_common.contracts.registry import RegistryRecord
from credit_common.testing.payloads import registry_record
from intake.domain.eligibility import RuleVersion
from intake.domain.repair_notices import notice_terms

MIGRATION = pathlib.Path(__file__).resolve().parents[2] / "migrations" / "versions" / \
    "0002_applicant_side.py"
TODAY = date(2026, 12, 7)


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
        "penalty_domain": "other", "decision_date": "2026-11-30",
        "publicity_start_date": None, **changes}))


def test_the_earliest_day_is_the_minimum_publicity_after_the_decision():
    terms = notice_terms(penalty(), BASELINE, TODAY)
    assert (terms.repairable, terms.earliest_date, terms.rule_version) == (
        True, date(2027, 5, 30), "2021.1")
    assert terms.conditions[0] == "行政处罚信息公示满 6 个月"
    assert terms.materials == ["信用修复申请书", "信用承诺书", "履行法定义务、纠正违法行为的证明材料"]
    assert terms.article.startswith("《市场监督管理行政处罚信息公示规定》")


def test_a_food_penalty_waits_a_year_and_the_month_end_is_calendar_exact():
    terms = notice_terms(penalty(penalty_domain="food", decision_date="2026-02-28",
                                 publicity_start_date="2026-08-31"), BASELINE, TODAY)
    assert terms.earliest_date == date(2027, 8, 31)
    assert notice_terms(penalty(publicity_start_date="2026-08-31"), BASELINE,
                        date(2026, 9, 1)).earliest_date == date(2027, 2, 28)


def test_an_old_penalty_may_apply_from_today():
    assert notice_terms(penalty(decision_date="2024-01-05"), BASELINE, TODAY).earliest_date \
        == TODAY


def test_a_severe_or_light_penalty_is_told_why_it_is_not_repaired_by_application():
    severe = notice_terms(penalty(penalty_kinds=["fine", "licence_revocation"]), BASELINE, TODAY)
    assert (severe.repairable, severe.earliest_date, severe.conditions) == (False, None, [])
    assert "不予提前移出公示" in severe.reason
    light = notice_terms(penalty(fine_amount="8000.00"), BASELINE, TODAY)
    assert not light.repairable and "公示期满自动停止公示" in light.reason


def test_a_later_version_s_conditions_and_periods_are_read_from_its_data():
    rules = {**BASELINE.rules, "record_types": {**BASELINE.rules["record_types"],
             "penalty_publicity": {**BASELINE.for_type("penalty_publicity"),
                                   "min_publicity_months": 3,
                                   "not_listed_now": ["abnormal_operation_list"],
                                   "no_same_kind_penalty_since": True,
                                   "obligations_fulfilled": "required"}}}
    terms = notice_terms(penalty(), RuleVersion("2026.1", date(2026, 4, 1), rules), TODAY)
    assert terms.earliest_date == date(2027, 2, 28) and terms.rule_version == "2026.1"
    assert terms.conditions == [
        "行政处罚信息公示满 3 个月", "已履行行政处罚决定规定的义务（如已缴纳罚款、已按要求改正）",
        "自该行政处罚决定作出之日起未再受到同一类别的行政处罚",
        "申请时未被列入经营异常名录（经营异常状态）或严重违法失信名单",
        "已消除违法行为造成的危害后果和不良社会影响"]
