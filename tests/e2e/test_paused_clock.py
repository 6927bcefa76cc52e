"""退回补正 stops the legal clock, through the gateway and the bus with every real process: a
case returned after acceptance shows its pause on the case page, is neither escalated by the
running deadline timer nor listed as overdue while it waits (even once its old due date has
long passed), and the corrected application comes back from intake with its decision due
date counted again from the resubmission day with the working days it kept; the statistics
count it. (The holidays are the service and unit tests' part, with their days set.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from credit_common.testing.platform import wait_until
from tests.e2e.test_applicant_journey import PDF, upload
from tests.e2e.test_officer_journey import (TODAY, act, add_officer, case_in_todo, officer_login,
                                            submitted_list_application)

OFFICE = "44010605"                      # 天河区 猎德所: no other test of the run decides here


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


def escalated_for(db_engine, number: str):
    with db_engine["workflow"].connect() as conn:
        return conn.execute(text("SELECT escalated_for FROM cases WHERE acceptance_number = :n"),
                            {"n": number}).scalar_one()


def one_timer_run_later(db_engine, control: str, overdue_since) -> None:
    """Make ``control`` overdue and wait for the deadline timer to escalate it: the run that
    did looked at every case (one claim over all), so anything it did not escalate it will
    not."""
    with db_engine["workflow"].begin() as conn:
        conn.execute(text("UPDATE cases SET accept_due = :d WHERE acceptance_number = :n"),
                     {"d": overdue_since, "n": control})
    wait_until(lambda: escalated_for(db_engine, control) == overdue_since, 20, interval=0.2,
               message="the deadline timer to escalate the control case")


def statistics(http, headers) -> dict:
    answer = http.get("/api/v1/officer/statistics", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_returned_case_waits_with_its_clock_stopped_and_comes_back_with_its_days(
        http, db_engine, disclosure_db):
    handler = officer_login(http, add_officer(db_engine, OFFICE, ["handler"], "黄承办"))
    district = officer_login(http, add_officer(db_engine, "440106", ["handler"]))
    admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"]))
    application, applicant, _subject, _record = submitted_list_application(
        http, disclosure_db, listing_unit=OFFICE)
    control, *_ = submitted_list_application(http, disclosure_db, listing_unit=OFFICE)
    number, app_url = application["acceptance_number"], \
        f"/api/v1/applicant/applications/{application['id']}"
    case_in_todo(http, handler, control["acceptance_number"])
    before = statistics(http, handler)

    accepted = act(http, handler, number, "accept", case_in_todo(http, handler, number)["version"])
    assert accepted.status_code == 200, accepted.text
    returned = act(http, handler, number, "return", accepted.json()["version"],
                   opinion="请补充 2025 年度报告公示截图")
    assert returned.status_code == 200, returned.text
    # five working days for an abnormal-operation listing, all of them left today
    page = http.get(f"/api/v1/officer/cases/{number}", headers=handler).json()["case"]
    assert (page["status"], page["paused"], page["paused_working_days_left"],
            page["paused_working_days"], page["pause_count"], page["due"], page["overdue"]) == (
        "returned", True, 5, 0, 1, None, False)
    assert page["paused_since"].startswith(TODAY.isoformat())
    paused = statistics(http, handler)
    assert (paused["paused"], paused["paused_cases"]) == (before["paused"] + 1,
                                                          before["paused_cases"] + 1)

    # as if it had waited for weeks: its old decision due date is long past
    long_ago = TODAY - timedelta(days=30)
    with db_engine["workflow"].begin() as conn:
        conn.execute(text("UPDATE cases SET decide_due = :d WHERE acceptance_number = :n"),
                     {"d": long_ago, "n": number})
    one_timer_run_later(db_engine, control["acceptance_number"], TODAY - timedelta(days=2))
    assert escalated_for(db_engine, number) is None
    listed = http.get("/api/v1/officer/cases", headers=district,
                      params={"acceptance_number": number}).json()["items"]
    assert [(c["status"], c["overdue"]) for c in listed] == [("returned", False)]
    assert http.get("/api/v1/officer/cases", headers=district, params={
        "acceptance_number": number, "overdue": True}).json()["items"] == []

    # the applicant corrects and resubmits; intake announces it on the bus
    wait_until(lambda: http.get(app_url, headers=applicant).json()["status"] == "returned", 20,
               interval=0.2, message="the applicant to see 退回")
    assert upload(http, applicant, application["id"], "other", PDF, "截图.pdf").status_code == 201
    again = http.post(f"{app_url}/submit", headers=applicant)
    assert again.status_code == 200, again.text

    def back():
        item = case_in_todo(http, handler, number)
        return item if item["status"] == "pending_acceptance" else None

    item = wait_until(back, 20, interval=0.2, message="the case back for acceptance")
    due = http.get("/api/v1/admin/calendar/add-working-days", headers=admin,
                   params={"start": TODAY.isoformat(), "days": 5}).json()["date"]
    assert (item["decide_due"], item["due"], item["overdue"], item["paused"],
            item["pause_count"]) == (due, due, False, False, 1)
    one_timer_run_later(db_engine, control["acceptance_number"], TODAY - timedelta(days=3))
    assert escalated_for(db_engine, number) is None        # not escalated on resubmission
    reaccepted = act(http, handler, number, "accept", item["version"])
    assert reaccepted.status_code == 200, reaccepted.text
    assert reaccepted.json()["decide_due"] == due          # the clock runs on
    after = statistics(http, handler)
    assert (after["paused"], after["paused_cases"]) == (before["paused"],
                                                        before["paused_cases"] + 1)
    steps = http.get(f"/api/v1/officer/cases/{number}", headers=handler).json()["approval_form"]
    assert [s["action"] for s in steps] == ["accept", "return", "resubmit", "accept"]
