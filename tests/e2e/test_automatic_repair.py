"""Automatic repair on the whole platform: the publicity system publishes, as its own broker
user on the run's vhost, that a subject filed its missing annual report, and the abnormal
listing comes off at once (the rule version in force) under a numbered, QR-verifiable
decision, announced to other agencies; a corrected listing waits in the listing office's
list until one click through the gateway removes it; a filing for a subject the registry
does not hold is dead-lettered and changes nothing."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime, timedelta, UTC

import pika

from credit_common import dlq
from credit_common.broker_users import partner_uri
from credit_common.reference.partner_agencies import partner_of_agency
from credit_common.testing.platform import wait_until
from credit_common.topology import INTERAGENCY_INBOUND_QUEUE
from tests.e2e import registry
from tests.e2e.test_applicant_journey import assert_error
from tests.e2e.test_officer_journey import TODAY, add_officer, officer_login

DEAD_LETTERS = INTERAGENCY_INBOUND_QUEUE + ".dlq"
REMOVAL_NUMBER = re.compile(r"^穗天市监信移〔\d{4}〕\d+号$")


def publish_filing(amqp_uri, routing_key: str, payload: dict) -> str:
    """As the publicity system does it: its own login, its user_id on the message."""
    message = {"schema_version": "1.0", "message_id": str(uuid.uuid4()),
               "source_agency": "gd-gsxt", "occurred_at": datetime.now(UTC).isoformat(),
               "payload": payload}
    connection = pika.BlockingConnection(pika.URLParameters(partner_uri(amqp_uri, "gd-gsxt")))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            "interagency", routing_key, json.dumps(message, ensure_ascii=False).encode(),
            pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                 message_id=message["message_id"],
                                 user_id=partner_of_agency("gd-gsxt").broker_user))
    finally:
        connection.close()
    return message["message_id"]


def listening(amqp_uri):
    """A queue of our own on the announcements other agencies receive."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, "interagency", "record.publicity_changed.v1")
    return connection, channel, queue


def announcement(channel, queue, record_id, to_state, timeout=20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        method, _properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            time.sleep(0.1)
            continue
        payload = json.loads(body)["payload"]
        if payload["record_id"] == record_id and payload["to_state"] == to_state:
            return payload
    raise AssertionError(f"no record.publicity_changed to {to_state} for {record_id}")


def record_page(http, record_id) -> dict:
    response = http.get(f"/api/v1/public/records/{record_id}")
    assert response.status_code == 200, response.text
    return response.json()


def removal_for(http, headers, record_id, status) -> dict:
    def listed():
        items = http.get("/api/v1/officer/listing-removals", headers=headers,
                         params={"status": status, "limit": 100}).json()["items"]
        return next((r for r in items if r["record_id"] == record_id), None)

    return wait_until(listed, 30, interval=0.2, message=f"the {status} removal in the list")


def verified_document(http, headers, removal_id) -> dict:
    """The removal's decision once rendered, checked the way anyone holding it would."""
    [document] = wait_until(lambda: http.get(
        f"/api/v1/officer/listing-removals/{removal_id}", headers=headers).json()["documents"],
        30, interval=0.3, message="the rendered decision")
    verified = http.get("/api/v1/public/documents/verify",
                        params={"code": document["verification_code"]})
    assert verified.status_code == 200, verified.text
    assert verified.json()["number"] == document["number"]
    pdf = http.get(f"/api/v1/officer/listing-removals/{removal_id}/documents/{document['id']}",
                   headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    return {**document, **verified.json()}


def test_a_filed_annual_report_takes_the_listing_off_at_once_with_its_decision(
        platform, http, amqp_uri, db_engine):
    disclosure_db = db_engine["disclosure"]
    subject = registry.add_subject(disclosure_db, phone=registry.new_phone())
    record_id = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=100))
    untouched = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=100),
                                     reason="unreachable_address")
    connection, channel, queue = listening(amqp_uri)
    try:
        publish_filing(amqp_uri, "annual_report.filed.v1", {
            "subject_code": subject["uscc"], "report_year": TODAY.year - 1,
            "filed_on": (TODAY - timedelta(days=1)).isoformat()})
        page = wait_until(lambda: (p := record_page(http, record_id))["record"][
            "publicity_state"] == "removed" and p, 30, interval=0.2,
            message="the listing removed")
        change = announcement(channel, queue, record_id, "removed")
    finally:
        connection.close()
    entry = page["history"][-1]
    assert (entry["from_state"], entry["to_state"], entry["cause_kind"]) == (
        "active", "removed", "decision")
    assert REMOVAL_NUMBER.match(entry["cause_ref"]), entry
    assert "系统自动移出" in entry["note"]
    assert (change["cause_kind"], change["cause_ref"], change["subject_code"]) == (
        "decision", entry["cause_ref"], subject["uscc"])
    assert (page["cure"]["removable"], page["cure"]["removable_label"],
            page["cure"]["removal"]) == (False, "已移出", "immediate")
    assert record_page(http, untouched)["record"]["publicity_state"] == "active"

    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"], "黄承办"))
    removal = removal_for(http, handler, record_id, "removed")
    assert (removal["document_number"], removal["decided_by_name"], removal["can_remove"]) == (
        entry["cause_ref"], None, False)
    document = verified_document(http, handler, removal["id"])
    assert (document["title"], document["subject_code"]) == ("移出经营异常名录决定书",
                                                             subject["uscc"])


def test_a_corrected_listing_waits_for_one_click_of_the_listing_office(
        platform, http, amqp_uri, db_engine):
    disclosure_db = db_engine["disclosure"]
    subject = registry.add_subject(disclosure_db, phone=registry.new_phone())
    record_id = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=60),
                                     reason="false_information")
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"], "林承办"))
    next_door = officer_login(http, add_officer(db_engine, "44010602", ["handler", "approver"]))
    reviewer = officer_login(http, add_officer(db_engine, "44010601", ["reviewer"]))
    publish_filing(amqp_uri, "instant_info.published.v1", {
        "subject_code": subject["uscc"], "published_on": TODAY.isoformat(),
        "items": ["行政许可取得信息"], "correction": True})
    removal = removal_for(http, handler, record_id, "pending")
    assert (removal["can_remove"], removal["status_label"], removal["listing_reason"]) == (
        True, "可移出（待确认）", "false_information")
    page = record_page(http, record_id)
    assert page["record"]["publicity_state"] == "active"
    assert (page["cure"]["removable_label"], page["cure"]["removal"]) == (
        "可移出", "officer_confirmation")

    url = f"/api/v1/officer/listing-removals/{removal['id']}"
    assert_error(http.get(url, headers=next_door), 403, "REMOVAL_NOT_ACCESSIBLE")
    assert_error(http.post(f"{url}/removal", headers=next_door), 403, "REMOVAL_NOT_ACCESSIBLE")
    assert_error(http.post(f"{url}/removal", headers=reviewer), 403, "ROLE_REQUIRED")
    assert_error(http.post(f"/api/v1/officer/listing-removals/{uuid.uuid4()}/removal",
                           headers=handler), 403, "REMOVAL_NOT_ACCESSIBLE")
    assert record_page(http, record_id)["record"]["publicity_state"] == "active"

    clicked = http.post(f"{url}/removal", headers=handler)
    assert clicked.status_code == 200, clicked.text
    decided = clicked.json()
    assert (decided["status"], decided["decided_by_name"]) == ("removed", "林承办")
    assert REMOVAL_NUMBER.match(decided["document_number"])
    again = http.post(f"{url}/removal", headers=handler)
    assert again.status_code == 200 and again.json()["document_number"] == \
        decided["document_number"]
    page = wait_until(lambda: (p := record_page(http, record_id))["record"][
        "publicity_state"] == "removed" and p, 30, interval=0.2, message="the listing removed")
    assert [(h["cause_ref"], h["to_state"]) for h in page["history"]] == [
        (decided["document_number"], "removed")]
    assert "林承办确认" in page["history"][0]["note"]
    document = verified_document(http, handler, removal["id"])
    assert document["number"] == decided["document_number"]


def test_a_filing_for_a_subject_the_registry_does_not_hold_is_dead_lettered(
        platform, http, amqp_uri):
    code = registry.new_uscc()
    message_id = publish_filing(amqp_uri, "annual_report.filed.v1", {
        "subject_code": code, "report_year": TODAY.year - 1, "filed_on": TODAY.isoformat()})

    def dead():
        return next((m for m in dlq.list_messages(amqp_uri, DEAD_LETTERS)
                     if m["message_id"] == message_id), None)

    letter = wait_until(dead, 20, interval=0.3, message="the dead-lettered filing")
    assert letter["reason"].startswith("UNKNOWN_SUBJECT"), letter
    assert_error(http.get(f"/api/v1/public/subjects/{code}"), 404, "SUBJECT_NOT_FOUND")
