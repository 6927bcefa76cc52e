"""The officer's actions on a case, transfers, scopes and working days, in plain Python."""

from __future__ import annotations

import uuid
from datetime import date, datetime, UTC

import pytest

from credit_common.contracts.events import ApplicationSubmitted
from credit_common.errors import Conflict, Forbidden, ValidationFailed
from workflow.domain.model import Case, Officer, can_act, can_see, deciding_unit
from workflow.domain.working_days import WorkingCalendar

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def submitted(record_type="penalty_publicity", unit="44010601", district="440106"):
    return ApplicationSubmitted(
        application_id=uuid.uuid4(), acceptance_number="XF-440106-20261126-000001",
        record_type=record_type, subject_uscc="91440106MA59ABCD1M", subject_name="广州测试",
        district_code=district, submitted_at=NOW, record_ids=[uuid.uuid4()],
        deciding_unit_code=unit, subject_district_code="440106")


def officer(unit="44010601", *roles, name="承办人"):
    return Officer(id=uuid.uuid4(), name=name, unit_code=unit,
                   roles=tuple(roles) or ("handler",))


def test_routing_goes_to_the_deciding_unit_or_the_registration_districts_credit_section():
    assert deciding_unit(submitted()) == "44010601"
    assert deciding_unit(submitted("other_department_penalty", unit=None)) == "44010690"
    assert deciding_unit(submitted(unit="440106")) == "44010690"  # not an office: credit section


def test_a_case_goes_the_whole_way_and_records_every_step():
    case = Case.open_for(submitted(), NOW)
    handler, reviewer = officer(), officer("44010601", "reviewer", name="审核人")
    approver = officer("44010601", "approver", name="审批人")
    case.act("accept", handler, None, NOW, decide_due=date(2026, 12, 17))
    case.act("verify", handler, "材料齐全，已履行", NOW)
    case.act("review", reviewer, "同意", NOW)
    case.act("approve", approver, "准予修复", NOW)
    case.act("close", handler, None, NOW)
    assert case.status == "closed" and case.decide_due == date(2026, 12, 17)
    assert [s.action for s in case.steps] == ["accept", "verify", "review", "approve", "close"]
    statuses = [e.status for e in case.events[1:]]
    assert statuses == ["accepted", "under_review", "under_approval", "approved", "closed"]
    approved = case.events[4]
    assert approved.decision_id and [str(i) for i in approved.record_ids] == case.record_ids


@pytest.mark.parametrize("action, error, code", [
    ("approve", Conflict, "ILLEGAL_TRANSITION"),           # approve before accept
    ("verify", Conflict, "ILLEGAL_TRANSITION"),
    ("fly", ValidationFailed, "UNKNOWN_ACTION"),
])
def test_illegal_steps_are_refused_and_change_nothing(action, error, code):
    case = Case.open_for(submitted(), NOW)
    before = (case.status, case.version, len(case.events))
    with pytest.raises(error) as raised:
        case.act(action, officer("44010601", "handler", "approver"), "意见", NOW)
    assert raised.value.code == code
    assert (case.status, case.version, len(case.events)) == before


def test_roles_opinions_and_the_four_eyes_rule():
    case = Case.open_for(submitted(), NOW)
    with pytest.raises(Forbidden) as raised:
        case.act("accept", officer("44010601", "reviewer"), None, NOW)
    assert raised.value.code == "ROLE_REQUIRED"
    with pytest.raises(ValidationFailed) as raised:
        case.act("not_accept", officer(), "  ", NOW)
    assert raised.value.code == "OPINION_REQUIRED"
    both = officer("44010601", "handler", "reviewer", "approver")
    case.act("accept", both, None, NOW)
    case.act("verify", both, "核实", NOW)
    case.act("review", both, "审核", NOW)
    with pytest.raises(Forbidden) as raised:
        case.act("approve", both, "同意", NOW)
    assert raised.value.code == "APPROVER_IS_HANDLER"
    case.act("approve", both, "同意", NOW, approver_may_handle=True)  # configurable
    assert case.status == "approved"
    case.act("close", both, None, NOW)
    with pytest.raises(Conflict):
        case.act("close", both, None, NOW)                  # act on a closed case


def test_other_department_penalties_need_two_reviews_by_different_officers():
    case = Case.open_for(submitted("other_department_penalty", unit=None), NOW)
    # the head may take the first review too, and then not the second
    section = officer("44010690", "handler", "reviewer", "section_head")
    case.act("accept", section, None, NOW)
    case.act("verify", section, "已核对其他部门信用修复决定", NOW)
    with pytest.raises(Conflict) as raised:
        case.act("review", section, "同意", NOW)
    assert raised.value.code == "TWO_REVIEWS_REQUIRED"
    case.act("first_review", section, "初审同意", NOW)
    with pytest.raises(Forbidden) as raised:
        case.act("second_review", section, "复审同意", NOW)
    assert raised.value.code == "SAME_OFFICER"
    with pytest.raises(Forbidden) as raised:                # a reviewer is not the head
        case.act("second_review", officer("44010690", "reviewer", name="科员"), "复审同意", NOW)
    assert raised.value.code == "SECTION_HEAD_REQUIRED"
    with pytest.raises(Forbidden) as raised:                # nor another district's head
        case.act("second_review", officer("44010490", "section_head"), "复审同意", NOW)
    assert raised.value.code == "SECTION_HEAD_REQUIRED"
    case.act("second_review", officer("44010690", "section_head", name="科长"), "复审同意", NOW)
    assert case.status == "under_approval"


@pytest.mark.parametrize("target, code", [
    ("44010401", "TRANSFER_OUTSIDE_DISTRICT"),
    ("44010601", "TRANSFER_TO_SAME_UNIT"),
    ("44010690", "TRANSFER_TARGET_NOT_OFFICE"),
    ("440106", "TRANSFER_TARGET_NOT_OFFICE"),
    ("99999999", "UNKNOWN_UNIT"),
])
def test_a_transfer_only_goes_to_another_office_of_the_same_district(target, code):
    case = Case.open_for(submitted(), NOW)
    with pytest.raises(ValidationFailed) as raised:
        case.act("transfer", officer(), "辖区调整", NOW, target_unit_code=target)
    assert raised.value.code == code
    assert case.unit_code == "44010601"


def test_a_transfer_moves_the_case_and_shows_in_the_approval_form():
    case = Case.open_for(submitted(), NOW)
    here, there = officer("44010601"), officer("44010602", name="另一所承办人")
    step = case.act("transfer", here, "属天河南所辖区", NOW, target_unit_code="44010602")
    assert (case.unit_code, case.status, step.target_unit_code) == (
        "44010602", "pending_acceptance", "44010602")
    assert not can_act(here, case.unit_code) and can_act(there, case.unit_code)
    assert case.events[-1].status == "transferred"


def test_scopes_office_district_and_city():
    office, other_office = officer("44010601"), officer("44010602")
    district, city = officer("440106"), officer("440100")
    assert can_see(office, "44010601") and not can_see(other_office, "44010601")
    assert can_see(district, "44010601") and can_see(district, "44010690")
    assert not can_see(district, "44010401")
    assert can_see(city, "44010401") and not can_act(city, "44010401")


def test_working_days_follow_the_calendar_overrides_and_fall_back_for_unknown_years():
    calendar = WorkingCalendar()
    # National Day 2026: 1-7 October off; Friday 9 October 2026 is a working day
    assert calendar.add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert calendar.source(date(2026, 10, 9)) == "calendar"
    overridden = WorkingCalendar(overrides={date(2026, 12, 28): False})
    assert overridden.add_working_days(date(2026, 12, 25), 1) == date(2026, 12, 29)
    assert overridden.source(date(2026, 12, 28)) == "override"
    # 2027 is beyond the library: Monday to Friday, and the days are noted for the warning
    later = WorkingCalendar()
    assert later.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)
    assert later.fallback_days and later.source(date(2027, 1, 4)) == "fallback"
    assert later.working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 5


def test_every_calendar_notes_its_fallback_days_though_the_library_answers_are_remembered():
    first, second = WorkingCalendar(), WorkingCalendar()
    assert first.add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 8)
    # the same days asked again by another unit of work still warn, and still count the same
    assert second.add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 8)
    assert second.fallback_days == first.fallback_days == {date(2027, 3, 6), date(2027, 3, 7),
                                                             date(2027, 3, 8)}
    # an override still wins over a remembered answer of the library
    assert WorkingCalendar(overrides={date(2027, 3, 8): False}).add_working_days(
        date(2027, 3, 5), 1) == date(2027, 3, 9)
