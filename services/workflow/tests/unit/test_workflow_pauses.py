"""退回补正 stops the legal clock: the working days kept at the return, the due date counted
again from the resubmission, across National Day and the Spring Festival (2025 and 2026 as
``chinese_calendar`` has them, with their 调休 Saturdays)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest

from credit_common.clock import SHANGHAI
from credit_common.contracts.events import ApplicationSubmitted
from workflow.domain import pauses
from workflow.domain.model import Case, Officer
from workflow.domain.working_days import WorkingCalendar
from workflow.views import case_view


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


def accepted_case(accepted_on: str, decide_due: date) -> Case:
    case = Case.open_for(ApplicationSubmitted(
        application_id=uuid.uuid4(), acceptance_number="XF-440106-20260925-000001",
        record_type="penalty_publicity", subject_uscc="91440106MA59ABCD1M",
        subject_name="广州补正测试有限公司", district_code="440106", submitted_at=at(accepted_on),
        record_ids=[uuid.uuid4()], deciding_unit_code="44010601",
        subject_district_code="440106"), at(accepted_on))
    case.act("accept", HANDLER, None, at(accepted_on), decide_due=decide_due)
    return case


HANDLER = Officer(id=uuid.uuid4(), name="黄承办", unit_code="44010601", roles=("handler",))
DAYS = WorkingCalendar()


def returned(case: Case, on: str) -> Case:
    case.act("return", HANDLER, "请补充缴纳罚款的凭证", at(on))
    pauses.pause(case, at(on), DAYS)
    return case


def resubmitted(case: Case, on: str) -> Case:
    assert case.resubmitted(at(on), None)
    pauses.resume(case, at(on), DAYS)
    return case


@pytest.mark.parametrize("due, returned_on, left, resubmitted_on, paused, new_due", [
    # National Day 2026 (1-7 October off, Saturday 10 October worked): 30 Sep, 8, 9, 10 and
    # 12-16 October are left; 30 Sep, 8 and 9 October pass while the applicant corrects
    (date(2026, 10, 16), "2026-09-29", 9, "2026-10-09", 3, date(2026, 10, 21)),
    # resubmitted in the holiday itself: only 30 September was spent
    (date(2026, 10, 16), "2026-09-29", 9, "2026-10-03", 1, date(2026, 10, 19)),
    # National Day 2025 (1-8 October off, Saturday 11 October worked)
    (date(2025, 10, 17), "2025-09-30", 8, "2025-10-09", 1, date(2025, 10, 20)),
    # Spring Festival 2026 (15-23 February off; Saturdays 14 and 28 February worked)
    (date(2026, 2, 27), "2026-02-12", 6, "2026-02-24", 3, date(2026, 3, 3)),
    # returned and resubmitted the same day: the due date stays
    (date(2026, 10, 16), "2026-09-29", 9, "2026-09-29", 0, date(2026, 10, 16)),
])
def test_the_days_left_at_the_return_count_again_from_the_resubmission(
        due, returned_on, left, resubmitted_on, paused, new_due):
    case = returned(accepted_case("2025-09-01", due), returned_on)
    assert (case.status, case.paused_since, case.paused_working_days_left) == (
        "returned", at(returned_on), left)
    resubmitted(case, resubmitted_on)
    assert case.status == "pending_acceptance" and case.decide_due == new_due
    assert (case.paused_since, case.paused_working_days_left) == (None, None)
    assert (case.paused_working_days_total, case.pause_count) == (paused, 1)
    # accepting the corrected application again does not restart the clock
    case.act("accept", HANDLER, None, at(resubmitted_on), decide_due=date(2027, 1, 1))
    assert case.decide_due == new_due


def test_two_returns_add_up_and_a_return_after_the_due_date_keeps_nothing():
    case = returned(accepted_case("2026-09-25", date(2026, 10, 16)), "2026-09-29")
    resubmitted(case, "2026-10-09")                        # due 21 October, 3 days paused
    returned(case, "2026-10-20")                           # 21 October left: 1 day
    assert case.paused_working_days_left == 1 and case.pause_count == 2
    resubmitted(case, "2026-10-26")                        # 21-23 and 26 October paused
    assert case.decide_due == date(2026, 10, 27) and case.paused_working_days_total == 3 + 4

    late = returned(accepted_case("2026-09-01", date(2026, 9, 21)), "2026-09-29")
    assert late.paused_working_days_left == 0              # overdue at the return: none kept
    assert resubmitted(late, "2026-10-09").decide_due == date(2026, 10, 9)


def test_a_return_before_acceptance_keeps_no_decision_clock():
    case = Case.open_for(ApplicationSubmitted(
        application_id=uuid.uuid4(), acceptance_number="XF-440106-20260928-000002",
        record_type="penalty_publicity", subject_uscc="91440106MA59ABCD1M",
        subject_name="广州补正测试有限公司", district_code="440106", submitted_at=at("2026-09-28"),
        record_ids=[uuid.uuid4()], deciding_unit_code="44010601",
        subject_district_code="440106"), at("2026-09-28"))
    returned(case, "2026-09-29")
    assert case.paused_working_days_left is None and case.decide_due is None
    resubmitted(case, "2026-10-09")
    assert case.decide_due is None and case.paused_working_days_total == 3
    # acceptance starts the decision period, as for any case
    case.act("accept", HANDLER, None, at("2026-10-09"), decide_due=date(2026, 10, 30))
    assert case.decide_due == date(2026, 10, 30)


def test_a_pause_from_before_the_days_were_kept_counts_from_its_due_date():
    """Cases returned before this was kept (migration 0011) have only ``paused_since``."""
    case = accepted_case("2026-09-25", date(2026, 10, 16))
    case.act("return", HANDLER, "补正", at("2026-09-29"))
    case.paused_since, case.pause_count = at("2026-09-29"), 1
    resubmitted(case, "2026-10-09")
    assert case.decide_due == date(2026, 10, 21)


def test_a_withdrawal_while_returned_ends_the_pause_without_a_due_date():
    case = returned(accepted_case("2026-09-25", date(2026, 10, 16)), "2026-09-29")
    assert case.withdrawn(at("2026-10-12"))
    pauses.stop(case, at("2026-10-12"), DAYS)
    assert case.paused_since is None and case.paused_working_days_total == 5
    assert case.decide_due == date(2026, 10, 16)


def test_the_case_view_shows_the_pause_and_no_running_deadline():
    case = returned(accepted_case("2026-09-25", date(2026, 10, 16)), "2026-09-29")
    view = case_view(case, date(2026, 10, 12), date(2026, 10, 13), DAYS)
    assert view["paused"] is True and view["paused_since"] == "2026-09-29T10:00:00+08:00"
    assert view["paused_working_days_left"] == 9
    assert view["paused_working_days"] == 5                # 30 Sep, 8, 9, 10 and 12 October
    assert (view["due"], view["overdue"], view["due_soon"]) == (None, False, False)
    # far past the old due date, still not overdue while it waits for the applicant
    assert case_view(case, date(2026, 12, 1), None, DAYS)["overdue"] is False
    resubmitted(case, "2026-10-12")
    view = case_view(case, date(2026, 10, 12), date(2026, 10, 13), DAYS)
    assert (view["paused"], view["paused_since"], view["paused_working_days"],
            view["pause_count"]) == (False, None, 5, 1)
    assert view["due"] == "2026-10-23" and view["overdue"] is False
