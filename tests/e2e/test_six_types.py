"""The whole journey through the gateway for each of the six record types: applicant login →
guide → identity → records → draft → materials → signing where required → submit → officer
accept → transfer to another office of the same district → verify → review (two reviews for
other departments' penalties) → approve → close → decision PDF verifiable → public record
changed and announced on the inter-agency exchange → applicant notified. Plus the
not-accepted, reject and withdraw paths."""

from __future__ import annotations

import io
import json
import time
from datetime import timedelta

import httpx
import pika
import pytest
from pypdf import PdfReader

from credit_common.clock import now
from credit_common.testing.platform import wait_until
from tests.e2e import registry
from tests.e2e.test_applicant_journey import PDF, assert_error, auth, log_in, upload
from tests.e2e.test_officer_journey import act, add_officer, case_in_todo, officer_login

#: the platform's business day (Asia/Shanghai), not the machine's: they differ 8 hours a day
TODAY = now().date()

#: record type -> (subject kind, how to make the record, materials, signed, public state after)
TYPES = {
    "penalty_publicity": ("enterprise", "penalty", ["application_form", "commitment",
                                                    "fulfilment_proof"], True, "stopped"),
    "other_department_penalty": ("enterprise", "penalty", [
        "application_form", "commitment", "other_department_repair_decision"], True, "stopped"),
    "serious_illegal_list": ("enterprise", "listing", ["application_form", "commitment",
                                                       "fulfilment_proof"], False, "removed"),
    "abnormal_operation_list": ("enterprise", "listing", ["application_form", "commitment",
                                                          "correction_proof"], False, "removed"),
    "individual_abnormal_status": ("individual_business", "listing", [
        "application_form", "commitment", "correction_proof"], False, "restored"),
    "cooperative_abnormal_list": ("cooperative", "listing", [
        "application_form", "commitment", "correction_proof"], False, "removed"),
}


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


@pytest.fixture
def announcements(amqp_uri):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.exchange_declare("interagency", "topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, "interagency", "record.publicity_changed.v1")

    def for_record(record_id, to_state, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            method, _props, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                time.sleep(0.1)
                continue
            payload = json.loads(body)["payload"]
            if payload["record_id"] == record_id and payload["to_state"] == to_state:
                return payload
        raise AssertionError(f"no announcement of {record_id} → {to_state}")

    yield for_record
    connection.close()


def applicant_with_draft(http, disclosure_db, record_type):
    kind, maker, materials, signed, _ = TYPES[record_type]
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone, kind=kind)
    if maker == "penalty":
        record = registry.add_penalty(disclosure_db, subject, record_type=record_type,
                                      publicity_start=TODAY - timedelta(days=420))
    else:
        reason = "serious_violation" if record_type == "serious_illegal_list" \
            else "annual_report_overdue"
        record = registry.add_listing(disclosure_db, subject, record_type=record_type,
                                      reason=reason, listed_on=TODAY - timedelta(days=420))
    headers = auth(log_in(http, phone))
    guide = http.get(f"/api/v1/applicant/guides/{record_type}", headers=headers).json()
    http.post(f"/api/v1/applicant/guides/{record_type}/acknowledgement", headers=headers,
              json={"version": guide["version"]}).raise_for_status()
    notice = http.get("/api/v1/applicant/legal-notice", headers=headers).json()["version"]
    http.post("/api/v1/applicant/subjects", headers=headers, json={
        "subject_code": subject["uscc"], "legal_notice_version": notice}).raise_for_status()
    listed = http.get(f"/api/v1/applicant/subjects/{subject['uscc']}/records",
                      headers=headers, params={"type": record_type}).json()["items"]
    assert [i["eligibility"]["eligible"] for i in listed] == [True], listed
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": record_type, "record_ids": [record],
        "contact_name": "陈大文", "contact_phone": phone,
        "facts_and_reasons": "已履行全部义务并完成整改。"})
    assert draft.status_code == 201, draft.text
    application = draft.json()
    for material in materials:
        assert upload(http, headers, application["id"], material, PDF).status_code == 201
    app_url = f"/api/v1/applicant/applications/{application['id']}"
    if signed:
        assert http.post(f"{app_url}/seal", headers=headers).status_code == 200
        link = http.post(f"{app_url}/signature-link", headers=headers).json()
        http.post(httpx.URL(link["api_url"]).path,
                  json={"signer_name": "陈大文", "agree": True}).raise_for_status()
    return headers, subject, record, application, app_url


def submit(http, headers, app_url):
    submitted = http.post(f"{app_url}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return submitted.json()["acceptance_number"]


def officers(http, db_engine):
    return {
        "office": officer_login(http, add_officer(db_engine, "44010601", ["handler"])),
        "section": officer_login(http, add_officer(db_engine, "44010690", ["handler"])),
        "handler": officer_login(http, add_officer(db_engine, "44010602", ["handler"], "林承办")),
        "reviewer": officer_login(http, add_officer(db_engine, "44010602", ["reviewer"])),
        # 复审 is the district credit section head's, wherever the case is
        "second": officer_login(http, add_officer(db_engine, "44010690", ["section_head"],
                                                  "冯科长")),
        "approver": officer_login(http, add_officer(db_engine, "44010602", ["approver"])),
    }


@pytest.mark.parametrize("record_type", sorted(TYPES))
def test_the_whole_journey(http, db_engine, disclosure_db, announcements, record_type):
    team = officers(http, db_engine)
    headers, subject, record, application, app_url = applicant_with_draft(
        http, disclosure_db, record_type)
    number = submit(http, headers, app_url)
    first = team["section"] if record_type == "other_department_penalty" else team["office"]

    version = case_in_todo(http, first, number)["version"]
    version = act(http, first, number, "accept", version).json()["version"]
    moved = act(http, first, number, "transfer", version, opinion="属天河南所辖区",
                target_unit_code="44010602")
    assert moved.status_code == 200, moved.text
    version = moved.json()["version"]
    version = act(http, team["handler"], number, "verify", version, opinion="材料属实").json()[
        "version"]
    if record_type == "other_department_penalty":
        version = act(http, team["reviewer"], number, "first_review", version,
                      opinion="初审同意").json()["version"]
        assert_error(act(http, team["approver"], number, "second_review", version,
                         opinion="复审同意"), 403, "SECTION_HEAD_REQUIRED")
        version = act(http, team["second"], number, "second_review", version,
                      opinion="复审同意").json()["version"]
    else:
        version = act(http, team["reviewer"], number, "review", version,
                      opinion="同意").json()["version"]
    approved = act(http, team["approver"], number, "approve", version, opinion="准予信用修复")
    assert approved.status_code == 200, approved.text
    closed = act(http, team["handler"], number, "close", approved.json()["version"])
    assert closed.json()["status"] == "closed"

    state = TYPES[record_type][4]
    assert announcements(record, state)["cause_kind"] == "decision"
    public = http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()["records"]
    assert next(r for r in public if r["id"] == record)["publicity_state"] == state

    documents = wait_until(lambda: [d for d in http.get(f"{app_url}/documents", headers=headers)
                                    .json()["items"] if d["kind"] == "repair_decision"] or None,
                           20, interval=0.2, message="the decision")
    pdf = http.get(f"{app_url}/documents/{documents[0]['id']}", headers=headers).content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(
        "\n", "")
    assert "准予信用修复决定书" in text and subject["name"] in text
    assert http.get("/api/v1/public/documents/verify", params={
        "code": documents[0]["verification_code"]}).json()["number"] == documents[0]["number"]

    def told():
        items = http.get("/api/v1/applicant/inbox", headers=headers).json()["items"]
        return any("予以修复" in m["title"] for m in items)

    wait_until(told, 20, interval=0.2, message="the applicant's notice")


def test_the_not_accepted_path(http, db_engine, disclosure_db):
    office = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    headers, _s, record, _a, app_url = applicant_with_draft(http, disclosure_db,
                                                            "abnormal_operation_list")
    number = submit(http, headers, app_url)
    version = case_in_todo(http, office, number)["version"]
    refused = act(http, office, number, "not_accept", version, opinion="申请材料与名录记录不符")
    assert refused.status_code == 200 and refused.json()["status"] == "not_accepted"
    wait_until(lambda: http.get(app_url, headers=headers).json()["status"] == "not_accepted",
               20, interval=0.2, message="不予受理")
    kinds = wait_until(lambda: [d["kind"] for d in http.get(
        f"{app_url}/documents", headers=headers).json()["items"]] or None, 20, interval=0.2,
        message="the notice rendered")
    assert kinds == ["non_acceptance_notice"]
    # the record is free for a new application
    again = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": _s["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record]})
    assert again.status_code == 201, again.text


def test_the_reject_path(http, db_engine, disclosure_db):
    office = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    reviewer = officer_login(http, add_officer(db_engine, "44010601", ["reviewer"]))
    approver = officer_login(http, add_officer(db_engine, "44010601", ["approver"]))
    headers, subject, record, _a, app_url = applicant_with_draft(http, disclosure_db,
                                                                 "abnormal_operation_list")
    number = submit(http, headers, app_url)
    version = case_in_todo(http, office, number)["version"]
    version = act(http, office, number, "accept", version).json()["version"]
    version = act(http, office, number, "verify", version, opinion="年报仍未补报").json()["version"]
    version = act(http, reviewer, number, "review", version, opinion="不同意").json()["version"]
    assert_error(act(http, approver, number, "reject", version), 422, "OPINION_REQUIRED")
    rejected = act(http, approver, number, "reject", version, opinion="未补报 2025 年度报告")
    assert rejected.json()["status"] == "rejected"
    wait_until(lambda: http.get(app_url, headers=headers).json()["status"] == "rejected", 20,
               interval=0.2, message="不予修复")
    public = http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()["records"]
    assert next(r for r in public if r["id"] == record)["publicity_state"] == "active"
    kinds = wait_until(lambda: (lambda k: k if len(k) == 2 else None)([
        d["kind"] for d in http.get(f"{app_url}/documents", headers=headers).json()["items"]]),
        20, interval=0.2, message="both documents rendered")
    assert kinds == ["acceptance_notice", "rejection_decision"]


def test_the_withdraw_path(http, db_engine, disclosure_db):
    office = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    headers, _s, _r, _a, app_url = applicant_with_draft(http, disclosure_db,
                                                        "cooperative_abnormal_list")
    number = submit(http, headers, app_url)
    version = case_in_todo(http, office, number)["version"]
    version = act(http, office, number, "accept", version).json()["version"]
    assert http.post(f"{app_url}/withdraw", headers=headers, json={"reason": "已自行处理"}
                     ).json()["status"] == "withdrawn"
    wait_until(lambda: http.get(f"/api/v1/dev/cases/{number}").json()["status"] == "withdrawn",
               20, interval=0.2, message="the case withdrawn")
    assert_error(act(http, office, number, "verify", version + 1, opinion="x"), 409,
                 "ILLEGAL_TRANSITION")


def test_the_same_decision_event_twice_changes_the_record_once_and_tells_once(
        http, db_engine, disclosure_db, amqp_uri):
    """What a relay that crashed before marking its row sent would do: publish the approval
    again, under the same message id."""
    team = officers(http, db_engine)
    headers, subject, record, application, app_url = applicant_with_draft(
        http, disclosure_db, "abnormal_operation_list")
    number = submit(http, headers, app_url)
    office = team["office"]
    reviewer = officer_login(http, add_officer(db_engine, "44010601", ["reviewer"]))
    approver = officer_login(http, add_officer(db_engine, "44010601", ["approver"]))
    version = case_in_todo(http, office, number)["version"]
    version = act(http, office, number, "accept", version).json()["version"]
    version = act(http, office, number, "verify", version, opinion="属实").json()["version"]
    version = act(http, reviewer, number, "review", version, opinion="同意").json()["version"]
    act(http, approver, number, "approve", version, opinion="准予").raise_for_status()
    wait_until(lambda: http.get(app_url, headers=headers).json()["status"] == "repaired", 20,
               interval=0.2, message="予以修复")

    from sqlalchemy import text
    with db_engine["workflow"].connect() as conn:
        message_id, body = conn.execute(text(
            "SELECT message_id, body FROM outbox WHERE routing_key = 'case_status_changed' "
            "AND body->'data'->>'acceptance_number' = :n AND body->'data'->>'status' = "
            "'approved'"), {"n": number}).one()
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    for _ in range(2):
        channel.basic_publish("workflow.events", "case_status_changed", json.dumps(body).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   delivery_mode=2, message_id=str(message_id)))
    connection.close()
    time.sleep(3)   # both redeliveries consumed by intake and disclosure
    history = http.get(f"/api/v1/public/records/{record}").json()["history"]
    assert [h["cause_kind"] for h in history].count("decision") == 1
    titles = [m["title"] for m in http.get("/api/v1/applicant/inbox", headers=headers).json()[
        "items"]]
    assert sum("予以修复" in t for t in titles) == 1
    with db_engine["disclosure"].connect() as conn:
        announced = conn.execute(text(
            "SELECT count(*) FROM outbox WHERE routing_key = 'record.publicity_changed.v1' "
            "AND body->'payload'->>'record_id' = :r AND body->'payload'->>'to_state' = "
            "'removed'"), {"r": record}).scalar_one()
    assert announced == 1
