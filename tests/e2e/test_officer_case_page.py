"""What the workbench's case page and home page read, through the gateway: the actions the
officer may take now, the units a transfer may go to, 即将超期 in the counts and the todo list,
and a todo filter on several statuses at once."""

from __future__ import annotations

from sqlalchemy import text

from tests.e2e.test_applicant_journey import assert_error
from tests.e2e.test_officer_journey import (TODAY, act, add_officer, case_in_todo,
                                            officer_login, submitted_list_application)


def page_of(http, headers, number):
    response = http.get(f"/api/v1/officer/cases/{number}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def offered(page):
    return [a["action"] for a in page["allowed_actions"]]


def test_the_case_page_offers_only_what_the_officer_may_do_now(http, db_engine):
    disclosure_db = db_engine["disclosure"]
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    reviewer = officer_login(http, add_officer(db_engine, "44010601", ["reviewer"]))
    approver = officer_login(http, add_officer(db_engine, "44010601", ["approver"]))
    district = officer_login(http, add_officer(db_engine, "440106", ["handler"]))
    application, *_ = submitted_list_application(http, disclosure_db)
    number = application["acceptance_number"]
    version = case_in_todo(http, handler, number)["version"]

    page = page_of(http, handler, number)
    assert offered(page) == ["accept", "not_accept", "return", "transfer"]
    assert {a["action"]: (a["label"], a["needs_opinion"]) for a in page["allowed_actions"]}[
        "not_accept"] == ("不予受理", True)
    assert offered(page_of(http, reviewer, number)) == []
    assert offered(page_of(http, district, number)) == []      # the district bureau reads only

    version = act(http, handler, number, "accept", version).json()["version"]
    assert offered(page_of(http, handler, number)) == ["return", "transfer", "verify"]
    version = act(http, handler, number, "verify", version, opinion="已补报").json()["version"]
    assert offered(page_of(http, handler, number)) == []
    assert offered(page_of(http, reviewer, number)) == ["review"]
    # the counts are those of each officer's own todo list
    mine = http.get("/api/v1/officer/cases/counts", headers=handler).json()["by_status"]
    theirs = http.get("/api/v1/officer/cases/counts", headers=reviewer).json()["by_status"]
    assert "under_review" not in mine and theirs["under_review"] >= 1
    assert set(theirs) <= {"under_review", "second_review"}
    version = act(http, reviewer, number, "review", version, opinion="同意").json()["version"]
    assert offered(page_of(http, approver, number)) == ["approve", "reject"]
    act(http, approver, number, "approve", version, opinion="准予修复")
    assert offered(page_of(http, approver, number)) == ["revoke"]
    assert offered(page_of(http, handler, number)) == ["close"]


def test_transfer_targets_are_the_other_offices_of_the_same_district_bureau(http, db_engine):
    disclosure_db = db_engine["disclosure"]
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    district = officer_login(http, add_officer(db_engine, "440106", ["handler"]))
    elsewhere = officer_login(http, add_officer(db_engine, "44010401", ["handler"]))
    application, *_ = submitted_list_application(http, disclosure_db)
    number = application["acceptance_number"]
    case_in_todo(http, handler, number)

    answer = http.get(f"/api/v1/officer/cases/{number}/transfer-targets", headers=handler)
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [u["code"] for u in items] == ["44010602", "44010603", "44010604", "44010605",
                                          "44010606"]
    assert items[0]["name"] == "广州市天河区市场监督管理局天河南市场监督管理所"
    assert not any("信用监管科" in u["name"] for u in items)
    assert_error(http.get(f"/api/v1/officer/cases/{number}/transfer-targets",
                          headers=district), 403, "CASE_NOT_OF_MY_UNIT")
    assert_error(http.get(f"/api/v1/officer/cases/{number}/transfer-targets",
                          headers=elsewhere), 403, "CASE_NOT_ACCESSIBLE")


def test_due_soon_is_counted_flagged_and_filtered(http, db_engine):
    disclosure_db = db_engine["disclosure"]
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    soon, *_ = submitted_list_application(http, disclosure_db)
    later, *_ = submitted_list_application(http, disclosure_db)
    for application in (soon, later):
        case_in_todo(http, handler, application["acceptance_number"])
    before = http.get("/api/v1/officer/cases/counts", headers=handler).json()["due_soon"]
    with db_engine["workflow"].begin() as conn:
        conn.execute(text("UPDATE cases SET accept_due = :d WHERE acceptance_number = :n"),
                     {"d": TODAY, "n": soon["acceptance_number"]})
        conn.execute(text("UPDATE cases SET accept_due = :d + 30 WHERE acceptance_number = :n"),
                     {"d": TODAY, "n": later["acceptance_number"]})

    counts = http.get("/api/v1/officer/cases/counts", headers=handler).json()
    assert counts["due_soon"] == before + 1 and {"by_status", "overdue"} <= set(counts)
    overdue = http.get("/api/v1/officer/cases", headers=handler,
                       params={"overdue": True, "limit": 100}).json()["items"]
    assert counts["overdue"] == len(overdue)      # each figure is its list's length
    listed = http.get("/api/v1/officer/cases", headers=handler,
                      params={"due_soon": True, "limit": 100}).json()["items"]
    numbers = {c["acceptance_number"] for c in listed}
    assert soon["acceptance_number"] in numbers and later["acceptance_number"] not in numbers
    assert all(c["due_soon"] and not c["overdue"] for c in listed)
    item = case_in_todo(http, handler, later["acceptance_number"])
    assert item["due_soon"] is False

    both = http.get("/api/v1/officer/cases", headers=handler, params={
        "status": "pending_acceptance,accepted", "acceptance_number": soon["acceptance_number"]})
    assert [c["acceptance_number"] for c in both.json()["items"]] == [soon["acceptance_number"]]
    none = http.get("/api/v1/officer/cases", headers=handler, params={
        "status": "under_review,under_approval", "acceptance_number": soon["acceptance_number"]})
    assert none.json()["items"] == []
