"""The statistics' period and filters, and how grouped rows become figures."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest

from credit_common.clock import SHANGHAI
from credit_common.errors import Forbidden, ValidationFailed
from credit_common.reference.organisation import DISTRICTS
from workflow.domain.model import Officer
from workflow.domain.statistics import figures, months, statistics_query, statistics_scope
from workflow.domain.working_days import WorkingCalendar

TODAY = date(2026, 12, 7)


def test_the_period_defaults_to_the_year_of_the_end_given_else_this_year():
    assert statistics_query(None, None, None, None, TODAY)[:2] == (date(2026, 1, 1),
                                                                   date(2026, 12, 31))
    assert statistics_query("2025-03-01", None, None, None, TODAY)[:2] == (
        date(2025, 3, 1), date(2025, 12, 31))
    assert statistics_query(None, "2025-04-30", None, None, TODAY)[:2] == (
        date(2025, 1, 1), date(2025, 4, 30))
    assert statistics_query("2026-02-01", "2026-02-01", "440106", "penalty_publicity",
                            TODAY) == (date(2026, 2, 1), date(2026, 2, 1), "440106",
                                       "penalty_publicity")


@pytest.mark.parametrize("args, code", [
    (("2026-05-01", "2026-04-30", None, None), "INVALID_PERIOD"),
    (("2026-13-01", None, None, None), "INVALID_DATE"),
    (("20260401", None, None, None), "INVALID_DATE"),
    ((None, "2026-W14", None, None), "INVALID_DATE"),
    (("1999-12-31", None, None, None), "INVALID_DATE"),
    (("2020-01-01", "2023-12-31", None, None), "PERIOD_TOO_LONG"),
    ((None, None, "449999", None), "UNKNOWN_DISTRICT"),
    ((None, None, None, "parking_ticket"), "INVALID_RECORD_TYPE"),
])
def test_bad_filters_get_a_code_and_a_chinese_message(args, code):
    with pytest.raises(ValidationFailed) as raised:
        statistics_query(*args, TODAY)
    assert raised.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in raised.value.message)


def test_the_period_is_whole_shanghai_days_both_ends_included():
    query = statistics_query("2026-02-01", "2026-02-28", None, None, TODAY)
    assert query.bounds() == (datetime(2026, 2, 1, tzinfo=SHANGHAI),
                              datetime(2026, 3, 1, tzinfo=SHANGHAI))


def officer(unit):
    return Officer(id=uuid.uuid4(), name="人员", unit_code=unit, roles=("handler",))


def test_the_scope_counted_is_the_office_the_district_or_the_city():
    office = statistics_scope(officer("44010601"), None)
    assert office[:3] == (["44010601"], None, ["440106"])
    assert office.view == {"level": "unit", "unit_code": "44010601", "district_code": "440106"}
    section = statistics_scope(officer("44010690"), None)
    assert section[:3] == (None, ["440106"], ["440106"]) and section.view["level"] == "district"
    city = statistics_scope(officer("440100"), None)
    assert city[:3] == (None, None, sorted(DISTRICTS))
    assert city.view == {"level": "city", "unit_code": "440100", "district_code": None}


def test_a_district_asked_for_narrows_the_scope_if_the_officer_may_see_it():
    assert statistics_scope(officer("440100"), "440106")[:3] == (None, ["440106"], ["440106"])
    assert statistics_scope(officer("440106"), "440106")[:3] == (None, ["440106"], ["440106"])
    narrowed = statistics_scope(officer("44010601"), "440106")
    assert narrowed[:3] == (["44010601"], ["440106"], ["440106"])
    assert narrowed.view["level"] == "unit"
    for someone, district in ((officer("440106"), "440104"), (officer("44010601"), "440104"),
                              (officer("99999999"), "440106")):
        with pytest.raises(Forbidden) as refused:
            statistics_scope(someone, district)
        assert (refused.value.code, refused.value.details) == ("DISTRICT_NOT_IN_SCOPE",
                                                               {"field": "district"})


def test_months_of_a_period_across_a_new_year():
    assert months(date(2025, 11, 30), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01",
                                                            "2026-02"]


def row(unit, status, month, cases=1, decided=0, overdue=0, late=0, kind="penalty_publicity",
        paused=0):
    return {"unit_code": unit, "district_code": unit[:6], "record_type": kind,
            "status": status, "month": month, "cases": cases, "decided": decided,
            "overdue": overdue, "decided_late": late, "paused": paused}


def test_figures_add_up_per_unit_district_type_status_and_month():
    query = statistics_query("2025-03-01", "2025-04-30", None, None, TODAY)
    rows = [row("44011301", "closed", "2025-03", 2, decided=2, late=1),
            row("44011301", "under_review", "2025-04", 1, overdue=1),
            row("44011801", "rejected", "2025-04", 1, decided=1,
                kind="abnormal_operation_list")]
    spans = [{"unit_code": "44011301", "district_code": "440113",
              "record_type": "penalty_publicity", "accepted_on": date(2025, 3, 4),
              "decided_on": date(2025, 3, 14), "cases": 2},          # 8 working days
             {"unit_code": "44011801", "district_code": "440118",
              "record_type": "abnormal_operation_list", "accepted_on": date(2025, 4, 2),
              "decided_on": date(2025, 4, 28), "cases": 1}]          # 18: 清明 off, 27 April on
    result = figures(query, rows, spans, {"2025-03": 1, "2025-04": 2}, WorkingCalendar(),
                     ["440113", "440118"])
    assert (result["cases"], result["decided"], result["overdue"], result["decided_late"],
            result["average_handling_working_days"], result["averaged_cases"]) == (
        4, 3, 1, 1, round((8 * 2 + 18) / 3, 2), 3)
    assert result["by_unit"] == [
        {"unit_code": "44011301", "cases": 3, "decided": 2, "overdue": 1, "decided_late": 1,
         "average_working_days": 8.0, "paused": 0, "paused_cases": 0,
         "average_paused_working_days": None},
        {"unit_code": "44011801", "cases": 1, "decided": 1, "overdue": 0, "decided_late": 0,
         "average_working_days": 18.0, "paused": 0, "paused_cases": 0,
         "average_paused_working_days": None}]
    assert (result["paused"], result["paused_cases"],
            result["average_paused_working_days"]) == (0, 0, None)
    unpaused = {"paused": 0, "paused_cases": 0, "average_paused_working_days": None}
    assert result["by_district"] == [
        {"district_code": "440113", "cases": 3, "decided": 2, "overdue": 1, "decided_late": 1,
         "average_working_days": 8.0, **unpaused},
        {"district_code": "440118", "cases": 1, "decided": 1, "overdue": 0, "decided_late": 0,
         "average_working_days": 18.0, **unpaused}]
    # every type is listed, in the vocabulary's order, the ones without cases with zeros
    none = {"cases": 0, "decided": 0, "overdue": 0, "decided_late": 0,
            "average_working_days": None, **unpaused}
    assert result["by_record_type"] == [
        {"record_type": "serious_illegal_list", **none},
        {"record_type": "abnormal_operation_list", "cases": 1, "decided": 1, "overdue": 0,
         "decided_late": 0, "average_working_days": 18.0, **unpaused},
        {"record_type": "individual_abnormal_status", **none},
        {"record_type": "cooperative_abnormal_list", **none},
        {"record_type": "penalty_publicity", "cases": 3, "decided": 2, "overdue": 1,
         "decided_late": 1, "average_working_days": 8.0, **unpaused},
        {"record_type": "other_department_penalty", **none}]
    assert result["by_status"] == {"closed": 2, "under_review": 1, "rejected": 1}
    assert result["monthly"] == [{"month": "2025-03", "submitted": 2, "decided": 1},
                                 {"month": "2025-04", "submitted": 2, "decided": 2}]


def test_paused_cases_and_their_working_days_over_national_day():
    query = statistics_query("2026-09-01", "2026-10-31", None, None, TODAY)
    rows = [row("44010601", "returned", "2026-09", 1, paused=1),
            row("44010601", "under_review", "2026-09", 2),
            row("44010602", "closed", "2026-09", 1, decided=1)]
    pauses = [
        # returned on 29 September and still waiting on 12 October (30 Sep, 8, 9, 10 and 12
        # October: the holiday does not count, the 调休 Saturday does), after an earlier
        # pause of 2 working days
        {"unit_code": "44010601", "district_code": "440106", "record_type": "penalty_publicity",
         "ended_days": 2, "paused_on": date(2026, 9, 29), "cases": 1},
        # two resubmitted cases, 3 working days each
        {"unit_code": "44010601", "district_code": "440106", "record_type": "penalty_publicity",
         "ended_days": 3, "paused_on": None, "cases": 2},
        # one resubmitted the same day it was returned
        {"unit_code": "44010602", "district_code": "440106",
         "record_type": "abnormal_operation_list", "ended_days": 0, "paused_on": None,
         "cases": 1}]
    result = figures(query, rows, [], {}, WorkingCalendar(), ["440106"], pauses,
                     date(2026, 10, 12))
    assert (result["paused"], result["paused_cases"],
            result["average_paused_working_days"]) == (1, 4, round((7 + 3 * 2 + 0) / 4, 2))
    assert [(u["unit_code"], u["paused"], u["paused_cases"], u["average_paused_working_days"])
            for u in result["by_unit"]] == [("44010601", 1, 3, round(13 / 3, 2)),
                                             ("44010602", 0, 1, 0.0)]
    by_type = {t["record_type"]: t for t in result["by_record_type"]}
    assert by_type["penalty_publicity"]["paused_cases"] == 3
    assert by_type["serious_illegal_list"]["average_paused_working_days"] is None
