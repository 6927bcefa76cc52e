"""Deadlines in working days, and whom a deadline notice goes to, in plain Python."""

from __future__ import annotations

import uuid
from datetime import date, datetime, UTC

import pytest

from credit_common.contracts.events import ApplicationSubmitted
from credit_common.errors import ValidationFailed
from workflow.domain import deadlines
from workflow.domain.model import Case
from workflow.domain.working_days import WorkingCalendar, override_note

RULES = {"accept_working_days": 2,
         "decide_working_days": {"penalty_publicity": 5, "serious_illegal_list": 15},
         "remind_working_days_before": 1}


def case_of(unit="44010601", due=date(2026, 11, 27)):
    at = datetime(2026, 11, 25, 10, tzinfo=UTC)
    case = Case.open_for(ApplicationSubmitted(
        application_id=uuid.uuid4(), acceptance_number="XF-440106-20261125-000003",
        record_type="penalty_publicity", subject_uscc="91440106MA59ABCD1M",
        subject_name="广州测试", district_code="440106", submitted_at=at,
        record_ids=[uuid.uuid4()], deciding_unit_code=unit, subject_district_code="440106"),
        at, due)
    return case


def test_deadlines_count_working_days_by_the_rules_in_force():
    days = WorkingCalendar()
    # Wednesday 30 September 2026: National Day runs to 7 October, the 9th (Friday) works
    assert deadlines.accept_due(date(2026, 9, 30), RULES, days) == date(2026, 10, 9)
    assert deadlines.decide_working_days(RULES, "serious_illegal_list") == 15
    assert deadlines.decide_due(date(2026, 11, 20), "penalty_publicity", RULES, days) == \
        date(2026, 11, 27)
    with pytest.raises(KeyError):
        deadlines.decide_due(date(2026, 11, 20), "unknown_type", RULES, days)


def test_due_soon_and_the_notice_windows_look_the_rules_lead_ahead():
    days = WorkingCalendar()
    friday = date(2026, 11, 27)
    assert deadlines.reminder_lead(RULES) == 1
    assert deadlines.due_soon_until(friday, RULES, days) == date(2026, 11, 30)
    assert deadlines.notice_windows(friday, RULES, days) == (
        ("reminder", friday, date(2026, 11, 30)),
        ("escalation", deadlines.EARLIEST_DUE, date(2026, 11, 26)))
    overridden = WorkingCalendar(overrides={date(2026, 11, 30): False})
    assert deadlines.due_soon_until(friday, RULES, overridden) == date(2026, 12, 1)
    # a lead of 0 reminds on the due day only; 3 looks past the weekend to Wednesday
    assert deadlines.due_soon_until(friday, {**RULES, "remind_working_days_before": 0},
                                    days) == friday
    assert deadlines.notice_windows(friday, {**RULES, "remind_working_days_before": 3},
                                    days)[0] == ("reminder", friday, date(2026, 12, 2))


def test_a_reminder_goes_to_the_unit_an_escalation_to_the_districts_credit_section():
    case = case_of()
    reminder = deadlines.deadline_notice(case, "reminder")
    assert (reminder.kind, reminder.recipient_unit_code, reminder.unit_code) == (
        "reminder", "44010601", "44010601")
    assert (reminder.due, reminder.status, reminder.case_id) == (
        date(2026, 11, 27), "pending_acceptance", case.id)
    escalation = deadlines.deadline_notice(case, "escalation")
    assert escalation.recipient_unit_code == "44010690"
    case.decide_due = date(2026, 12, 15)
    assert deadlines.deadline_notice(case, "reminder").due == date(2026, 12, 15)
    # a unit the organisation no longer knows: the case's own district decides
    case.unit_code = "44019999"
    assert deadlines.deadline_notice(case, "escalation").recipient_unit_code == "44010690"


def test_the_calendar_answers_a_count_of_days_within_a_year_and_says_who_judged_it():
    # after National Day 2026 (1-7 October), Thursday the 8th is made a holiday here
    days = WorkingCalendar(overrides={date(2026, 10, 8): False})
    assert days.day_after(date(2026, 9, 30), 1) == (date(2026, 10, 9), "calendar")
    assert WorkingCalendar(overrides={date(2026, 10, 3): True}).day_after(
        date(2026, 9, 30), 1) == (date(2026, 10, 3), "override")
    assert WorkingCalendar().day_after(date(2026, 12, 31), 1)[1] == "fallback"
    assert WorkingCalendar().day_after(date(2026, 3, 2), 0) == (date(2026, 3, 2), "calendar")
    for days_asked in (-1, 367):
        with pytest.raises(ValidationFailed) as refused:
            WorkingCalendar().day_after(date(2026, 3, 2), days_asked)
        assert refused.value.code == "INVALID_DAYS"


def test_an_override_needs_its_reason():
    assert override_note("  国办发明电〔2025〕7号 ") == "国办发明电〔2025〕7号"
    for note in ("", "   ", None):
        with pytest.raises(ValidationFailed) as refused:
            override_note(note)
        assert refused.value.code == "NOTE_REQUIRED"
