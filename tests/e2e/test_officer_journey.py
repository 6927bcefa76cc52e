"""The officer's side through the gateway, against every real process: an applicant's case
reaches the deciding office, is accepted, transferred within the district, verified, reviewed
and approved; the public record changes and the applicant sees 予以修复. With the refusals
each step owes: wrong unit, wrong district, wrong role, stale version, illegal step."""

from __future__ import annotations

import concurrent.futures
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from credit_common.clock import now
from credit_common.reference.organisation import DISTRICTS
from credit_common.testing.platform import latest_login_code, wait_until
from tests.e2e import registry
from tests.e2e.test_applicant_journey import (PDF, assert_error, auth, log_in,
                                              prepare, upload)

#: the platform's business day (Asia/Shanghai), not the machine's: they differ 8 hours a day
TODAY = now().date()


def add_officer(db_engine, unit: str, roles: list[str], name: str = "测试人员") -> str:
    phone = registry.new_phone()
    with db_engine["workflow"].begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, :n, :u, "
            ":r)"), {"id": uuid.uuid4(), "p": phone, "n": name, "u": unit, "r": roles})
    return phone


def officer_login(http, phone: str) -> dict:
    assert http.post("/api/v1/officer/auth/code", json={"phone": phone}).status_code == 202
    response = http.post("/api/v1/officer/auth/login",
                         json={"phone": phone, "code": latest_login_code(http, phone)})
    assert response.status_code == 200, response.text
    return auth(response.json())


def submitted_list_application(http, disclosure_db, listing_unit="44010601"):
    phone, subject, headers = prepare(http, disclosure_db, record_type="abnormal_operation_list")
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=120))
    if listing_unit != "44010601":
        with disclosure_db.begin() as conn:
            conn.execute(text("UPDATE records SET listing_unit_code = :u WHERE id = :id"),
                         {"u": listing_unit, "id": record})
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record], "contact_name": "陈大文", "contact_phone": phone}).json()
    assert "id" in draft, draft
    for kind in ("application_form", "commitment", "correction_proof"):
        assert upload(http, headers, draft["id"], kind, PDF).status_code == 201
    submitted = http.post(f"/api/v1/applicant/applications/{draft['id']}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return submitted.json(), headers, subject, record


def case_in_todo(http, headers, number):
    def listed():
        items = http.get("/api/v1/officer/cases", headers=headers,
                         params={"acceptance_number": number}).json()["items"]
        return items[0] if items else None

    return wait_until(listed, 20, interval=0.2, message="the case in the todo list")


def act(http, headers, number, action, version, **extra):
    return http.post(f"/api/v1/officer/cases/{number}/actions", headers=headers,
                     json={"action": action, "version": version, **extra})


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


def test_from_submission_to_repaired_record_with_a_transfer(http, db_engine, disclosure_db):
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"], "黄承办"))
    other_district = officer_login(http, add_officer(db_engine, "44010401", ["handler"]))
    handler2 = officer_login(http, add_officer(db_engine, "44010602", ["handler"], "林承办"))
    reviewer2 = officer_login(http, add_officer(db_engine, "44010602", ["reviewer"], "周审核"))
    approver2 = officer_login(http, add_officer(db_engine, "44010602", ["approver"], "吴审批"))
    application, applicant, subject, record = submitted_list_application(http, disclosure_db)
    number = application["acceptance_number"]

    item = case_in_todo(http, handler, number)
    assert item["unit_code"] == "44010601" and item["status"] == "pending_acceptance"
    assert item["accept_due"] and item["subject_name"] == subject["name"]
    page = http.get(f"/api/v1/officer/cases/{number}", headers=handler).json()
    assert page["application"]["subject"]["code"] == subject["uscc"]
    assert [e["eligible"] for e in page["application"]["eligibility"]] == [True]
    material = page["application"]["materials"][0]
    download = http.get(f"/api/v1/officer/cases/{number}/materials/{material['id']}",
                        headers=handler)
    assert download.status_code == 200 and download.content == PDF

    # another district's officer sees nothing and can do nothing
    assert_error(http.get(f"/api/v1/officer/cases/{number}", headers=other_district), 403,
                 "CASE_NOT_ACCESSIBLE")
    assert_error(act(http, other_district, number, "accept", item["version"]), 403,
                 "CASE_NOT_ACCESSIBLE")
    assert_error(http.get("/api/v1/officer/cases/XF-000000-20260101-000001",
                          headers=handler), 403, "CASE_NOT_ACCESSIBLE")
    # illegal step, stale version, wrong transfers: refused, nothing changed
    assert_error(act(http, handler, number, "approve", item["version"], opinion="同意"), 409,
                 "ILLEGAL_TRANSITION")
    assert_error(act(http, handler, number, "accept", item["version"] + 1), 409,
                 "STALE_VERSION")
    assert_error(act(http, handler, number, "transfer", item["version"],
                     target_unit_code="44010602"), 422, "OPINION_REQUIRED")
    assert_error(act(http, handler, number, "transfer", item["version"], opinion="辖区",
                     target_unit_code="44010401"), 422, "TRANSFER_OUTSIDE_DISTRICT")
    assert_error(act(http, applicant, number, "accept", item["version"]), 403,
                 "ROLE_NOT_ALLOWED")

    moved = act(http, handler, number, "transfer", item["version"], opinion="经营场所属天河南所辖区",
                target_unit_code="44010602")
    assert moved.status_code == 200, moved.text
    assert moved.json()["unit_code"] == "44010602"
    assert_error(http.get(f"/api/v1/officer/cases/{number}", headers=handler), 403,
                 "CASE_NOT_ACCESSIBLE")   # the original office loses it at once

    version = case_in_todo(http, handler2, number)["version"]
    accepted = act(http, handler2, number, "accept", version)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["decide_due"]
    app_url = f"/api/v1/applicant/applications/{application['id']}"
    wait_until(lambda: http.get(app_url, headers=applicant).json()["status"] == "accepted", 20,
               interval=0.2, message="the applicant to see 已受理")
    version = accepted.json()["version"]
    assert_error(act(http, reviewer2, number, "verify", version, opinion="x"), 403,
                 "ROLE_REQUIRED")
    version = act(http, handler2, number, "verify", version, opinion="已补报年报").json()["version"]
    version = act(http, reviewer2, number, "review", version, opinion="同意").json()["version"]
    approved = act(http, approver2, number, "approve", version, opinion="准予移出经营异常名录")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    # the public record changes once, the applicant sees 予以修复
    def removed():
        found = http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()["records"]
        state = next(r["publicity_state"] for r in found if r["id"] == record)
        return state == "removed"

    wait_until(removed, 20, interval=0.2, message="the record to leave the list")
    detail = wait_until(lambda: (lambda d: d if d["status"] == "repaired" else None)(
        http.get(app_url, headers=applicant).json()), 20, interval=0.2,
        message="the applicant to see 予以修复")
    assert detail["status_label"] == "予以修复"

    # and is told: in the inbox and by SMS to the contact phone, once per status
    def told():
        items = http.get("/api/v1/applicant/inbox", headers=applicant).json()["items"]
        titles = [m["title"] for m in items]
        return titles if any("予以修复" in t for t in titles) else None

    titles = wait_until(told, 20, interval=0.2, message="the applicant's inbox")
    assert sorted(titles) == sorted(f"信用修复申请{label}：{number}"
                                    for label in ("待受理", "已受理/核实中", "予以修复"))
    texts = [m["body"] for m in http.get("/api/v1/dev/sms", params={
        "phone": detail["form"]["contact_phone"]}).json()["items"]]
    assert sum(f"受理编号 {number}）当前状态：予以修复" in t for t in texts) == 1
    history = http.get(f"/api/v1/public/records/{record}").json()["history"]
    assert [h["cause_kind"] for h in history].count("decision") == 1

    closed = act(http, handler2, number, "close", approved.json()["version"])
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    form = http.get(f"/api/v1/officer/cases/{number}", headers=handler2).json()["approval_form"]
    assert [s["action"] for s in form] == ["transfer", "accept", "verify", "review", "approve",
                                           "close"]
    transfer = form[0]
    assert (transfer["officer_name"], transfer["target_unit_code"], transfer["opinion"]) == (
        "黄承办", "44010602", "经营场所属天河南所辖区")
    assert_error(act(http, handler2, number, "close", closed.json()["version"]), 409,
                 "ILLEGAL_TRANSITION")

    # documents: numbered, in Chinese, verifiable by code and by hash, tamper-evident
    import io
    import re as regex

    from pypdf import PdfReader

    listed = wait_until(lambda: (lambda items: items if len(items) == 3 else None)(
        http.get(f"{app_url}/documents", headers=applicant).json()["items"]), 20,
        interval=0.2, message="the three documents rendered")
    kinds = [d["kind"] for d in listed]
    assert kinds == ["acceptance_notice", "repair_decision", "approval_form"]
    decision = listed[1]
    assert regex.fullmatch(rf"穗天市监信修〔{TODAY.year}〕\d+号", decision["number"])
    pdf = http.get(f"{app_url}/documents/{decision['id']}", headers=applicant)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text_of = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages
                      ).replace("\n", "").replace(" ", "")
    for expected in ("准予信用修复决定书", decision["number"], subject["name"], "移出经营异常名录",
                     decision["verification_code"]):
        assert expected in text_of, expected
    checked = http.get("/api/v1/public/documents/verify",
                       params={"code": decision["verification_code"]}).json()
    assert (checked["number"], checked["subject_name"], checked["sha256"]) == (
        decision["number"], subject["name"], decision["sha256"])
    assert_error(http.get("/api/v1/public/documents/verify", params={"code": "NOSUCHCODE"}),
                 404, "DOCUMENT_NOT_FOUND")
    original = http.post("/api/v1/public/documents/verify",
                         files={"file": ("决定书.pdf", pdf.content, "application/pdf")})
    assert original.status_code == 200 and original.json()["number"] == decision["number"]
    tampered = pdf.content.replace(b"/Title", b"/Titla", 1)
    assert_error(http.post("/api/v1/public/documents/verify",
                           files={"file": ("决定书.pdf", tampered, "application/pdf")}),
                 404, "DOCUMENT_NOT_FOUND")
    stranger = auth(log_in(http, registry.new_phone()))
    assert_error(http.get(f"{app_url}/documents/{decision['id']}", headers=stranger), 403,
                 "APPLICATION_NOT_ACCESSIBLE")
    form_pdf = http.get(f"/api/v1/officer/cases/{number}/documents/{listed[2]['id']}",
                        headers=handler2)
    form_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(form_pdf.content)).pages
                        ).replace("\n", "").replace(" ", "")
    assert "信用修复审批表" in form_text and "经营场所属天河南所辖区" in form_text

    # fraud found later: the approver revokes, the record is public again, everyone is told
    assert_error(act(http, approver2, number, "revoke", closed.json()["version"]), 422,
                 "OPINION_REQUIRED")
    revoked = act(http, approver2, number, "revoke", closed.json()["version"],
                  opinion="核查发现申请材料中的年报截图系伪造")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"

    def restored():
        found = http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()["records"]
        return next(r["publicity_state"] for r in found if r["id"] == record) == "active"

    wait_until(restored, 20, interval=0.2, message="the record to be restored")
    causes = [h["cause_kind"] for h in http.get(f"/api/v1/public/records/{record}").json()[
        "history"]]
    assert causes.count("decision") == 1 and causes.count("revocation") == 1, causes
    wait_until(lambda: http.get(app_url, headers=applicant).json()["status"] == "repair_revoked",
               20, interval=0.2, message="the applicant to see the revocation")
    # 撤销修复 issues its own numbered decision, verifiable like the others
    listed = wait_until(lambda: (lambda items: items if len(items) == 4 else None)(
        http.get(f"{app_url}/documents", headers=applicant).json()["items"]), 20,
        interval=0.2, message="the revocation decision rendered")
    revocation = listed[3]
    assert revocation["kind"] == "revocation_decision"
    assert regex.fullmatch(rf"穗天市监信撤〔{TODAY.year}〕\d+号", revocation["number"])
    pdf = http.get(f"{app_url}/documents/{revocation['id']}", headers=applicant)
    text_of = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages
                      ).replace("\n", "").replace(" ", "")
    for expected in ("撤销信用修复决定书", revocation["number"], "年报截图系伪造"):
        assert expected in text_of, expected
    checked = http.get("/api/v1/public/documents/verify",
                       params={"code": revocation["verification_code"]}).json()
    assert (checked["number"], checked["sha256"]) == (revocation["number"], revocation["sha256"])
    texts = [m["body"] for m in http.get("/api/v1/dev/sms", params={
        "phone": detail["form"]["contact_phone"]}).json()["items"]]
    assert sum(f"受理编号 {number}）当前状态：修复已撤销" in t for t in texts) == 1

    # the audit log cannot be rewritten, even by the database owner's application
    with pytest.raises(DBAPIError):
        with db_engine["workflow"].begin() as conn:
            conn.execute(text("UPDATE case_steps SET opinion = 'x'"))


def test_two_officers_acting_at_once_one_wins_one_gets_409(http, db_engine, disclosure_db):
    first = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    second = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    application, _applicant, _subject, _record = submitted_list_application(http, disclosure_db)
    number = application["acceptance_number"]
    version = case_in_todo(http, first, number)["version"]

    def accept(headers):
        with httpx.Client(base_url=str(http.base_url), timeout=10) as client:
            return client.post(f"/api/v1/officer/cases/{number}/actions", headers=headers,
                               json={"action": "accept", "version": version})

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(accept, [first, second]))
    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409).json()
    assert loser["code"] == "STALE_VERSION"
    assert loser["details"]["current_status"] == "accepted"
    steps = http.get(f"/api/v1/officer/cases/{number}", headers=first).json()["approval_form"]
    assert [s["action"] for s in steps] == ["accept"]


def test_counts_statistics_and_administration(http, db_engine):
    admin_phone = add_officer(db_engine, "440100", ["administrator"], "马管理")
    admin = officer_login(http, admin_phone)
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    counts = http.get("/api/v1/officer/cases/counts", headers=handler).json()
    assert set(counts) == {"by_status", "overdue", "due_soon"}
    # the city sees every case; each breakdown adds up to the totals, and only running cases
    # can be overdue (exact figures of known cases: test_statistics.py)
    stats = http.get("/api/v1/officer/statistics", headers=admin).json()
    # every district of the city is listed, zeros included (cases of other districts'
    # codes, such as the development route's, are listed beside them)
    assert stats["scope"]["level"] == "city"
    assert {d["district_code"] for d in stats["by_district"]} >= set(DISTRICTS)
    assert stats["period"] == {"from": f"{TODAY.year}-01-01", "to": f"{TODAY.year}-12-31"}
    for breakdown in ("by_unit", "by_district", "by_record_type"):
        for figure in ("cases", "decided", "overdue", "decided_late"):
            assert sum(row[figure] for row in stats[breakdown]) == stats[figure], breakdown
    assert sum(s["cases"] for s in stats["by_status"]) == stats["cases"]
    assert sum(m["submitted"] for m in stats["monthly"]) == stats["cases"]
    running = {"pending_acceptance", "accepted", "under_review", "second_review",
               "under_approval"}
    assert stats["overdue"] <= sum(s["cases"] for s in stats["by_status"]
                                   if s["status"] in running)

    assert_error(http.post("/api/v1/admin/officers", headers=handler, json={
        "phone": registry.new_phone(), "name": "新人", "unit_code": "44010601",
        "roles": ["handler"]}), 403, "ROLE_NOT_ALLOWED")
    new_phone = registry.new_phone()
    created = http.post("/api/v1/admin/officers", headers=admin, json={
        "phone": new_phone, "name": "新承办", "unit_code": "44010601", "roles": ["handler"]})
    assert created.status_code == 201, created.text
    assert_error(http.post("/api/v1/admin/officers", headers=admin, json={
        "phone": new_phone, "name": "重复", "unit_code": "44010601", "roles": ["handler"]}),
        409, "OFFICER_PHONE_EXISTS")
    assert_error(http.post("/api/v1/admin/officers", headers=admin, json={
        "phone": registry.new_phone(), "name": "无单位", "unit_code": "99999999",
        "roles": ["handler"]}), 422, "UNKNOWN_UNIT")
    newcomer = officer_login(http, new_phone)
    assert http.get("/api/v1/officer/me", headers=newcomer).json()["name"] == "新承办"
    disabled = http.patch(f"/api/v1/admin/officers/{created.json()['id']}", headers=admin,
                          json={"active": False})
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert_error(http.get("/api/v1/officer/cases", headers=newcomer), 403, "OFFICER_DISABLED")

    due = http.get("/api/v1/admin/calendar/add-working-days", headers=admin,
                   params={"start": "2026-09-30", "days": 2}).json()
    assert due == {"date": "2026-10-09", "source": "calendar"}
    later = http.get("/api/v1/admin/calendar/add-working-days", headers=admin,
                     params={"start": "2027-03-01", "days": 1}).json()
    assert later["source"] == "fallback"
    added = http.post("/api/v1/admin/calendar/overrides", headers=admin, json={
        "day": "2027-03-02", "is_working": False, "note": "测试调休"})
    assert added.status_code == 201
    after = http.get("/api/v1/admin/calendar/add-working-days", headers=admin,
                     params={"start": "2027-03-01", "days": 1}).json()
    assert after["date"] == "2027-03-03"

    rules = http.get("/api/v1/admin/eligibility-rules", headers=admin).json()["items"]
    assert rules[0]["version"] == "2021.1"
    assert_error(http.post("/api/v1/admin/eligibility-rules", headers=admin, json={
        "version": "x", "effective_from": TODAY.isoformat(), "source": "s",
        "rules": {"record_types": {}}}), 422, "EFFECTIVE_DATE_NOT_IN_FUTURE")


def test_an_officer_sees_personal_data_of_the_own_district_in_the_registry(http, db_engine,
                                                                           disclosure_db):
    subject = registry.add_subject(disclosure_db, phone=registry.new_phone())
    registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=10))
    tianhe = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    yuexiu = officer_login(http, add_officer(db_engine, "44010401", ["handler"]))
    mine = http.get(f"/api/v1/officer/subjects/{subject['uscc']}", headers=tianhe).json()
    theirs = http.get(f"/api/v1/officer/subjects/{subject['uscc']}", headers=yuexiu).json()
    public = http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()
    number = subject["legal_rep_document_number"]
    assert mine["subject"]["legal_representative"]["document_number"] == number
    assert theirs["subject"]["legal_representative"]["document_number"] != number
    assert public["subject"]["legal_representative"]["document_number"] != number
    found = http.get("/api/v1/officer/records", headers=tianhe,
                     params={"name": subject["name"][4:8], "record_type":
                             "abnormal_operation_list"}).json()["items"]
    assert subject["uscc"] in {i["subject"]["uscc"] for i in found}


def test_reminders_and_escalations_reach_the_inbox_once(http, db_engine, disclosure_db):
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    section = officer_login(http, add_officer(db_engine, "44010690", ["reviewer"]))
    soon, *_ = submitted_list_application(http, disclosure_db)
    late, *_ = submitted_list_application(http, disclosure_db)
    case_in_todo(http, handler, soon["acceptance_number"])
    case_in_todo(http, handler, late["acceptance_number"])
    with db_engine["workflow"].begin() as conn:
        conn.execute(text("UPDATE cases SET accept_due = :d WHERE acceptance_number = :n"),
                     {"d": TODAY, "n": soon["acceptance_number"]})
        conn.execute(text("UPDATE cases SET accept_due = :d WHERE acceptance_number = :n"),
                     {"d": TODAY - timedelta(days=3), "n": late["acceptance_number"]})

    def titled(headers, title):
        def found():
            items = http.get("/api/v1/officer/inbox", headers=headers).json()["items"]
            return [m for m in items if m["title"] == title] or None
        return wait_until(found, 20, interval=0.3, message=title)

    [reminder] = titled(handler, f"案件即将到期：{soon['acceptance_number']}")
    [escalation] = titled(section, f"案件已超期：{late['acceptance_number']}")
    assert "请督办" in escalation["body"] and reminder["link"].endswith(
        soon["acceptance_number"])
    overdue = http.get("/api/v1/officer/cases", headers=handler, params={"overdue": True}).json()
    assert late["acceptance_number"] in {c["acceptance_number"] for c in overdue["items"]}
    import time
    time.sleep(2.5)  # the timer ran again: still one notice each
    assert len(titled(section, f"案件已超期：{late['acceptance_number']}")) == 1
    unread = http.get("/api/v1/officer/inbox", headers=section).json()["unread"]
    assert http.post(f"/api/v1/officer/inbox/{escalation['id']}/read",
                     headers=section).status_code == 200
    assert http.get("/api/v1/officer/inbox", headers=section).json()["unread"] == unread - 1
    assert_error(http.post(f"/api/v1/officer/inbox/{escalation['id']}/read", headers=handler),
                 404, "MESSAGE_NOT_FOUND")


def test_returned_for_correction_then_resubmitted_and_accepted(http, db_engine, disclosure_db):
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    application, applicant, _subject, _record = submitted_list_application(http, disclosure_db)
    number = application["acceptance_number"]
    app_url = f"/api/v1/applicant/applications/{application['id']}"
    version = case_in_todo(http, handler, number)["version"]
    assert_error(act(http, handler, number, "return", version), 422, "OPINION_REQUIRED")
    returned = act(http, handler, number, "return", version, opinion="请补充 2025 年度报告公示截图")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"

    detail = wait_until(lambda: (lambda d: d if d["status"] == "returned" else None)(
        http.get(app_url, headers=applicant).json()), 20, interval=0.2,
        message="the applicant to see 退回")
    assert detail["editable"] and "年度报告公示截图" in detail["timeline"][-1]["note"]
    assert upload(http, applicant, application["id"], "other", PDF, "截图.pdf").status_code == 201
    again = http.post(f"{app_url}/submit", headers=applicant)
    assert again.status_code == 200, again.text
    assert again.json()["acceptance_number"] == number

    def pending_again():
        items = http.get("/api/v1/officer/cases", headers=handler,
                         params={"acceptance_number": number}).json()["items"]
        return items[0] if items and items[0]["status"] == "pending_acceptance" else None

    case = wait_until(pending_again, 20, interval=0.2, message="the case back for acceptance")
    accepted = act(http, handler, number, "accept", case["version"])
    assert accepted.status_code == 200, accepted.text
    wait_until(lambda: http.get(app_url, headers=applicant).json()["status"] == "accepted", 20,
               interval=0.2, message="the applicant to see 已受理")
    steps = http.get(f"/api/v1/officer/cases/{number}", headers=handler).json()["approval_form"]
    assert [s["action"] for s in steps] == ["return", "resubmit", "accept"]


def test_an_officer_files_a_counter_application_for_a_subject_of_the_own_unit(
        http, db_engine, disclosure_db):
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    elsewhere = officer_login(http, add_officer(db_engine, "44010602", ["handler"]))
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone)
    record = registry.add_penalty(disclosure_db, subject,
                                  publicity_start=TODAY - timedelta(days=400))
    found = http.get("/api/v1/officer/records", headers=handler, params={
        "subject_code": subject["uscc"], "record_type": "penalty_publicity"}).json()["items"]
    assert [i["record"]["id"] for i in found] == [record]
    new = {"subject_code": subject["uscc"], "record_type": "penalty_publicity",
           "record_ids": [record], "contact_name": "陈大文", "contact_phone": phone,
           "facts_and_reasons": "罚款已缴清，当事人到窗口申请。"}
    assert_error(http.post("/api/v1/officer/counter-applications", headers=elsewhere, json=new),
                 403, "RECORD_NOT_OF_MY_UNIT")
    draft = http.post("/api/v1/officer/counter-applications", headers=handler, json=new)
    assert draft.status_code == 201, draft.text
    app_id = draft.json()["id"]
    assert_error(http.get(f"/api/v1/officer/counter-applications/{app_id}", headers=elsewhere),
                 403, "APPLICATION_NOT_ACCESSIBLE")
    for kind in ("application_form", "commitment", "fulfilment_proof"):
        uploaded = http.post(f"/api/v1/officer/counter-applications/{app_id}/materials",
                             headers=handler, data={"kind": kind},
                             files={"file": ("材料.pdf", PDF, "application/pdf")})
        assert uploaded.status_code == 201, uploaded.text
    detail = http.get(f"/api/v1/officer/counter-applications/{app_id}", headers=handler).json()
    assert detail["signing"]["required"] is False   # identity checked in person
    submitted = http.post(f"/api/v1/officer/counter-applications/{app_id}/submit",
                          headers=handler)
    assert submitted.status_code == 200, submitted.text
    number = submitted.json()["acceptance_number"]
    item = case_in_todo(http, handler, number)
    assert item["unit_code"] == "44010601" and item["status"] == "pending_acceptance"
