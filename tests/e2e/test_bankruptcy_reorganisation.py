"""Temporary repair during a bankruptcy reorganisation through the gateway, against every
real process: the administrator (logged in as an applicant, the subject bound through its
liaison phone) applies with the ruling that accepted the reorganisation; the district's credit
section accepts, verifies, reviews and approves; the eligible records are hidden as 临时修复
with the expiry, announced on the inter-agency bus and written to their history; then the
court's confirmation of the plan repairs them for good, or its termination of the
reorganisation (filed by an officer) or the expiry (disclosure's timer) publicises them again,
and the administrator is told each time. With the bad input each step must refuse, changing
nothing."""

from __future__ import annotations

import calendar
import json
import time
from datetime import timedelta

import pika
import pytest
from sqlalchemy import text

from credit_common.testing.platform import wait_until
from tests.e2e import registry
from tests.e2e.test_applicant_journey import PDF, PNG, assert_error, auth, log_in, upload
from tests.e2e.test_officer_journey import (TODAY, act, add_officer, case_in_todo,
                                            officer_login)

RULING_DAY = TODAY - timedelta(days=30)
COURT = "广东省广州市中级人民法院"


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


@pytest.fixture
def announcements(amqp_uri):
    """Every ``record.publicity_changed.v1`` from now on, kept: ``wait(record, state)``."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.exchange_declare("interagency", "topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, "interagency", "record.publicity_changed.v1")
    seen: list[dict] = []

    def wait(record_id: str, to_state: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            found = next((p for p in seen if p["record_id"] == record_id
                          and p["to_state"] == to_state), None)
            if found:
                return found
            assert time.monotonic() < deadline, f"no announcement of {record_id} → {to_state}"
            method, _props, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                time.sleep(0.1)
            else:
                seen.append(json.loads(body)["payload"])

    yield wait
    connection.close()


def administrator_of_reorganising_subject(http, disclosure_db):
    """A subject with the records a reorganisation meets, and its court-appointed
    administrator logged in, the subject bound through its liaison phone."""
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=registry.new_phone())
    with disclosure_db.begin() as conn:
        conn.execute(text("UPDATE subjects SET liaison_phone = :p WHERE id = :id"),
                     {"p": phone, "id": subject["id"]})
    records = {
        "abnormal": registry.add_listing(disclosure_db, subject,
                                         listed_on=TODAY - timedelta(days=20)),
        "penalty": registry.add_penalty(disclosure_db, subject,
                                        publicity_start=TODAY - timedelta(days=40)),
        "escalated": registry.add_listing(disclosure_db, subject,
                                          listed_on=TODAY - timedelta(days=10),
                                          record_type="serious_illegal_list",
                                          reason="abnormal_three_years"),
        # not hidden: a serious violation, and a penalty that never ends early
        "serious": registry.add_listing(disclosure_db, subject,
                                        listed_on=TODAY - timedelta(days=10),
                                        record_type="serious_illegal_list",
                                        reason="serious_violation"),
        "severe": registry.add_penalty(disclosure_db, subject,
                                       publicity_start=TODAY - timedelta(days=40),
                                       kinds=("fine", "suspension")),
    }
    headers = auth(log_in(http, phone))
    notice = http.get("/api/v1/applicant/legal-notice", headers=headers).json()
    bound = http.post("/api/v1/applicant/subjects", headers=headers, json={
        "subject_code": subject["uscc"], "legal_notice_version": notice["version"]})
    assert bound.status_code == 201 and bound.json()["method"] == "phone", bound.text
    return phone, subject, records, headers


def ruling(subject, **changes) -> dict:
    return {"court": COURT, "case_number": "（2026）粤01破12号",
            "ruling_date": RULING_DAY.isoformat(), "debtor_name": subject["name"],
            "debtor_code": subject["uscc"], **changes}


def new_reorganisation(http, headers, phone, subject, **ruling_changes):
    return http.post("/api/v1/applicant/reorganisations", headers=headers, json={
        "subject_code": subject["uscc"], "administrator_name": "广东示例律师事务所",
        "contact_name": "王管理", "contact_phone": phone,
        "ruling": ruling(subject, **ruling_changes)})


HIDDEN = ("abnormal", "penalty", "escalated")


def nine_months_after(day):
    month = day.month - 1 + 9
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year,
                                                                                   month)[1]))


def submitted_reorganisation(http, disclosure_db):
    phone, subject, records, headers = administrator_of_reorganising_subject(http, disclosure_db)
    draft = new_reorganisation(http, headers, phone, subject)
    assert draft.status_code == 201, draft.text
    draft = draft.json()
    assert draft["record_type"] == "bankruptcy_reorganisation"
    assert draft["record_type_label"] == "破产重整期间临时信用修复"
    assert set(draft["record_ids"]) == {records[k] for k in HIDDEN}
    refused = {a["record_id"]: a["reason_code"] for a in draft["eligibility"]
               if not a["eligible"]}
    assert refused == {records["serious"]: "REASON_NOT_ELIGIBLE",
                       records["severe"]: "SEVERE_PENALTY"}
    # a ruling is a PDF, never a photograph of one
    assert_error(upload(http, headers, draft["id"], "reorganisation_ruling", PNG, "裁定.png"),
                 422, "PDF_REQUIRED")
    app_url = f"/api/v1/applicant/applications/{draft['id']}"
    assert_error(http.post(f"{app_url}/submit", headers=headers), 422, "MATERIALS_MISSING")
    for kind in ("reorganisation_ruling", "administrator_appointment", "commitment"):
        assert upload(http, headers, draft["id"], kind, PDF).status_code == 201
    submitted = http.post(f"{app_url}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return phone, subject, records, headers, submitted.json(), app_url


def approved_by_the_credit_section(http, db_engine, number):
    team = {role: officer_login(http, add_officer(db_engine, "44010690", [role]))
            for role in ("handler", "reviewer", "approver")}
    item = case_in_todo(http, team["handler"], number)
    assert item["unit_code"] == "44010690" and item["record_type"] == "bankruptcy_reorganisation"
    page = http.get(f"/api/v1/officer/cases/{number}", headers=team["handler"]).json()
    assert page["application"]["reorganisation"]["accepting_ruling"]["case_number"] == \
        "（2026）粤01破12号"
    assert all(a["eligible"] for a in page["application"]["eligibility"])
    version = act(http, team["handler"], number, "accept", item["version"]).json()["version"]
    version = act(http, team["handler"], number, "verify", version,
                  opinion="已核对裁定书原件").json()["version"]
    version = act(http, team["reviewer"], number, "review", version,
                  opinion="同意").json()["version"]
    approved = act(http, team["approver"], number, "approve", version, opinion="准予临时修复")
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    return team


def public_states(http, subject) -> dict[str, str]:
    found = http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()["records"]
    return {r["id"]: r["publicity_state"] for r in found}


def wait_for_states(http, subject, expected: dict[str, str], message: str):
    return wait_until(lambda: all(public_states(http, subject)[k] == v
                                  for k, v in expected.items()), 30, interval=0.3,
                      message=message)


def wait_for_status(http, headers, app_url, status: str) -> dict:
    return wait_until(lambda: (lambda d: d if d["status"] == status else None)(
        http.get(app_url, headers=headers).json()), 30, interval=0.3,
        message=f"the administrator to see {status}")


def texts_for(http, phone, number) -> list[str]:
    return [m["body"] for m in http.get("/api/v1/dev/sms", params={"phone": phone}).json()[
        "items"] if number in m["body"]]


def temporarily_repaired(http, db_engine, disclosure_db, announcements):
    phone, subject, records, headers, application, app_url = submitted_reorganisation(
        http, disclosure_db)
    number = application["acceptance_number"]
    team = approved_by_the_credit_section(http, db_engine, number)
    hidden = {records[k]: "temporarily_repaired" for k in HIDDEN}
    wait_for_states(http, subject, {**hidden, records["serious"]: "active",
                                    records["severe"]: "active"}, "the records hidden")
    for key in HIDDEN:
        change = announcements(records[key], "temporarily_repaired")
        assert (change["from_state"], change["cause_kind"]) == ("active", "temporary_repair")
    detail = wait_for_status(http, headers, app_url, "temporarily_repaired")
    expires_on = detail["reorganisation"]["expires_on"]
    assert expires_on == nine_months_after(RULING_DAY).isoformat()  # the baseline rules' term
    wait_until(lambda: any(f"临时修复有效期至{expires_on}" in t
                           for t in texts_for(http, phone, number)), 20, interval=0.3,
               message="the administrator told of the temporary repair and its expiry")
    history = http.get(f"/api/v1/public/records/{records['abnormal']}").json()["history"]
    assert history[-1]["to_state"] == "temporarily_repaired"
    assert expires_on in history[-1]["note"] and "（2026）粤01破12号" in history[-1]["note"]
    return phone, subject, records, headers, number, app_url, team


def test_the_plan_confirmed_makes_the_temporary_repair_final(http, db_engine, disclosure_db,
                                                             announcements):
    phone, subject, records, headers, number, app_url, _ = temporarily_repaired(
        http, db_engine, disclosure_db, announcements)
    form = {"kind": "plan_confirmed", "court": COURT, "case_number": "（2026）粤01破12号之三",
            "ruling_date": TODAY.isoformat()}
    rulings = f"/api/v1/applicant/reorganisations/{app_url.rsplit('/', 1)[1]}/rulings"
    assert_error(http.post(rulings, headers=headers, data=form,
                           files={"file": ("裁定.png", PNG, "image/png")}), 422, "PDF_REQUIRED")
    filed = http.post(rulings, headers=headers, data=form,
                      files={"file": ("批准重整计划裁定.pdf", PDF, "application/pdf")})
    assert filed.status_code == 200, filed.text
    assert filed.json()["reorganisation"]["follow_up"]["ruling"]["kind"] == "plan_confirmed"
    # filed again: the same answer, nothing twice
    again = http.post(rulings, headers=headers, data=form,
                      files={"file": ("批准重整计划裁定.pdf", PDF, "application/pdf")})
    assert again.status_code == 200 and again.json()["version"] == filed.json()["version"]

    wait_for_states(http, subject, {records["abnormal"]: "removed",
                                    records["penalty"]: "stopped",
                                    records["escalated"]: "removed",
                                    records["serious"]: "active"}, "the records repaired")
    for key, state in (("abnormal", "removed"), ("penalty", "stopped"),
                       ("escalated", "removed")):
        change = announcements(records[key], state)
        assert (change["from_state"], change["cause_kind"], change["cause_ref"]) == (
            "temporarily_repaired", "reorganisation_plan_confirmed", "（2026）粤01破12号之三")
    detail = wait_for_status(http, headers, app_url, "repaired")
    assert [m["kind"] for m in detail["materials"]].count("plan_confirmation_ruling") == 1
    wait_until(lambda: any("当前状态：予以修复" in t for t in texts_for(http, phone, number)),
               20, interval=0.3, message="the administrator told of the final repair")
    # over: a termination now has no temporary repair to end
    assert_error(http.post(rulings, headers=headers, data={**form, "kind":
                                                          "reorganisation_terminated"},
                           files={"file": ("终止.pdf", PDF, "application/pdf")}), 409,
                 "RULING_ALREADY_FILED")
    history = http.get(f"/api/v1/public/records/{records['penalty']}").json()["history"]
    assert [(h["from_state"], h["to_state"], h["cause_kind"]) for h in history] == [
        ("active", "temporarily_repaired", "temporary_repair"),
        ("temporarily_repaired", "stopped", "reorganisation_plan_confirmed")]


def test_a_termination_filed_by_an_officer_reinstates_the_records(http, db_engine,
                                                                  disclosure_db, announcements):
    phone, subject, records, headers, number, app_url, team = temporarily_repaired(
        http, db_engine, disclosure_db, announcements)
    form = {"kind": "reorganisation_terminated", "court": COURT,
            "case_number": "（2026）粤01破12号之五", "ruling_date": TODAY.isoformat()}
    route = f"/api/v1/officer/cases/{number}/reorganisation-rulings"
    elsewhere = officer_login(http, add_officer(db_engine, "44010401", ["handler"]))
    assert_error(http.post(route, headers=elsewhere, data=form,
                           files={"file": ("终止.pdf", PDF, "application/pdf")}), 403,
                 "CASE_NOT_ACCESSIBLE")
    assert_error(http.post(route, headers=team["handler"],
                           data={**form, "ruling_date": (TODAY + timedelta(days=1)).isoformat()},
                           files={"file": ("终止.pdf", PDF, "application/pdf")}), 422,
                 "RULING_DATE_IN_FUTURE")
    filed = http.post(route, headers=team["handler"], data=form,
                      files={"file": ("终止重整裁定.pdf", PDF, "application/pdf")})
    assert filed.status_code == 200, filed.text

    wait_for_states(http, subject, {records[k]: "active" for k in HIDDEN},
                    "the records publicised again")
    for key in HIDDEN:
        change = announcements(records[key], "active")
        assert (change["from_state"], change["cause_kind"]) == (
            "temporarily_repaired", "reorganisation_terminated")
    detail = wait_for_status(http, headers, app_url, "temporary_repair_ended")
    assert detail["status_label"] == "临时修复已终止"
    assert detail["timeline"][-2]["actor"] == "officer"
    wait_until(lambda: any("当前状态：临时修复已终止" in t and "终止重整程序" in t
                           for t in texts_for(http, phone, number)), 20, interval=0.3,
               message="the administrator told of the termination")
    repairs = http.get(f"/api/v1/officer/subjects/{subject['uscc']}/temporary-repairs",
                       headers=team["handler"]).json()["items"]
    assert [(r["state"], r["end_cause"]) for r in repairs] == [("reinstated", "terminated")]


def test_the_expiry_reinstates_the_records(http, db_engine, disclosure_db, announcements):
    phone, subject, records, headers, number, app_url, _ = temporarily_repaired(
        http, db_engine, disclosure_db, announcements)
    with disclosure_db.begin() as conn:  # the term ran out yesterday
        conn.execute(text("UPDATE temporary_repairs SET expires_on = :d "
                          "WHERE acceptance_number = :n"),
                     {"d": TODAY - timedelta(days=1), "n": number})
    wait_for_states(http, subject, {records[k]: "active" for k in HIDDEN},
                    "the expired temporary repair's records publicised again")
    for key in HIDDEN:
        change = announcements(records[key], "active")
        assert change["cause_kind"] == "temporary_repair_expired"
    wait_for_status(http, headers, app_url, "temporary_repair_ended")
    wait_until(lambda: any("有效期届满" in t for t in texts_for(http, phone, number)), 20,
               interval=0.3, message="the administrator told of the expiry")
    # the plan confirmed too late: nothing left to make final
    rulings = f"/api/v1/applicant/reorganisations/{app_url.rsplit('/', 1)[1]}/rulings"
    assert_error(http.post(rulings, headers=headers, data={
        "kind": "plan_confirmed", "court": COURT, "case_number": "（2026）粤01破12号之三",
        "ruling_date": TODAY.isoformat()}, files={"file": ("批准.pdf", PDF, "application/pdf")}),
        409, "NO_TEMPORARY_REPAIR")
    assert all(public_states(http, subject)[records[k]] == "active" for k in HIDDEN)


def test_bad_rulings_are_refused_and_change_nothing(http, disclosure_db):
    phone, subject, records, headers = administrator_of_reorganising_subject(http,
                                                                            disclosure_db)
    other = registry.add_subject(disclosure_db, phone=registry.new_phone())
    assert_error(new_reorganisation(http, headers, phone, subject,
                                    ruling_date=(TODAY + timedelta(days=1)).isoformat()),
                 422, "RULING_DATE_IN_FUTURE")
    assert_error(new_reorganisation(http, headers, phone, subject, debtor_code=other["uscc"],
                                    debtor_name=other["name"]), 422, "RULING_SUBJECT_MISMATCH")
    ended = assert_error(new_reorganisation(
        http, headers, phone, subject,
        ruling_date=(TODAY - timedelta(days=400)).isoformat()), 422,
        "REORGANISATION_PERIOD_ENDED")
    assert ended["details"]["rule_version"]
    # a subject the administrator has not confirmed
    assert_error(http.post("/api/v1/applicant/reorganisations", headers=headers, json={
        "subject_code": other["uscc"], "administrator_name": "广东示例律师事务所",
        "ruling": ruling(other)}), 403, "SUBJECT_NOT_CONFIRMED")
    assert http.get("/api/v1/applicant/applications", headers=headers).json()["items"] == []

    # a plan confirmation without an approved temporary repair: a draft, a submitted one
    draft = new_reorganisation(http, headers, phone, subject).json()
    rulings = f"/api/v1/applicant/reorganisations/{draft['id']}/rulings"
    form = {"kind": "plan_confirmed", "court": COURT, "case_number": "（2026）粤01破12号之三",
            "ruling_date": TODAY.isoformat()}
    assert_error(http.post(rulings, headers=headers, data=form,
                           files={"file": ("批准.pdf", PDF, "application/pdf")}), 409,
                 "NO_TEMPORARY_REPAIR")
    assert_error(http.post(rulings, headers=headers, data={**form, "kind":
                                                          "reorganisation_accepted"},
                           files={"file": ("受理.pdf", PDF, "application/pdf")}), 422,
                 "VALIDATION_FAILED")
    after = http.get(f"/api/v1/applicant/applications/{draft['id']}", headers=headers).json()
    assert (after["version"], after["status"], after["materials"]) == (
        draft["version"], "draft", [])
    assert after["reorganisation"]["follow_up"] is None
    assert all(state == "active" for state in public_states(http, subject).values())


def test_the_rules_are_versioned_data_an_administrator_adds_after_a_check(http, db_engine):
    admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"]))
    handler = officer_login(http, add_officer(db_engine, "44010690", ["handler"]))
    route = "/api/v1/admin/reorganisation-rules"
    [baseline] = http.get(route, headers=admin).json()["items"]
    assert baseline["rules"]["term_months"] == 9 and baseline["effective_from"] <= \
        TODAY.isoformat()
    later = (TODAY + timedelta(days=30)).isoformat()
    rules = {**baseline["rules"], "term_months": 12}
    version = {"version": f"test-{later}", "effective_from": later,
               "source": "《企业破产法》第七十九条（测试）", "rules": rules}
    assert_error(http.post(route, headers=admin, json={**version, "rules": {
        **rules, "term_months": "十二"}}), 422, "INVALID_RULES")
    assert_error(http.post(route, headers=admin, json={
        **version, "effective_from": TODAY.isoformat()}), 422, "EFFECTIVE_DATE_NOT_IN_FUTURE")
    assert_error(http.post(route, headers=handler, json=version), 403, "ROLE_NOT_ALLOWED")
    assert len(http.get(route, headers=admin).json()["items"]) == 1  # nothing stored
    assert http.post(route, headers=admin, json=version).status_code == 201
    assert_error(http.post(route, headers=admin, json=version), 409, "RULE_VERSION_EXISTS")
    assert [v["rules"]["term_months"] for v in http.get(route, headers=admin).json()[
        "items"]] == [9, 12]
