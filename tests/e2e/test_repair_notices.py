"""两书同达 on the whole platform: the bureau's own systems publish a penalty of one of its
offices on the run's vhost, and the subject gets its numbered 信用修复告知书 — verifiable by
code and by file through the public routes, texted to the legal representative with its
link, shown on the public record — once, however often the message comes and whatever
update follows; another department's penalty and a listing get none; a penalty naming a
unit that is not ours is dead-lettered and changes nothing."""

from __future__ import annotations

import calendar
import io
import json
import re
import uuid
from datetime import date, datetime, timedelta, UTC

import pika
import pytest
from pypdf import PdfReader

from credit_common import dlq
from credit_common.broker_users import partner_uri
from credit_common.reference.partner_agencies import partner_of_agency
from credit_common.testing.platform import wait_until
from credit_common.topology import INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE
from tests.e2e import registry
from tests.e2e.test_applicant_journey import TODAY, assert_error

NOTICE_NUMBER = re.compile(r"^穗天市监信告〔\d{4}〕\d+号$")


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


def send_as(amqp_uri, agency: str, routing_key: str, payload: dict,
            message_id: str | None = None) -> str:
    """Publishes as an agency does: its own login, its user_id on the message."""
    body = {"schema_version": "1.0", "message_id": message_id or str(uuid.uuid4()),
            "source_agency": agency, "occurred_at": datetime.now(UTC).isoformat(),
            "payload": payload}
    connection = pika.BlockingConnection(pika.URLParameters(partner_uri(amqp_uri, agency)))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            "interagency", routing_key, json.dumps(body, ensure_ascii=False).encode(),
            pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                 message_id=body["message_id"],
                                 user_id=partner_of_agency(agency).broker_user))
    finally:
        connection.close()
    return body["message_id"]


@pytest.fixture
def publish(platform, amqp_uri):
    def send(agency: str, routing_key: str, payload: dict, message_id: str | None = None) -> str:
        return send_as(amqp_uri, agency, routing_key, payload, message_id)

    return send


def penalty(subject: dict, **changes) -> dict:
    """A food-safety fine of the 天河 bureau's first office (a year's publicity before repair)."""
    return {"source_record_id": f"amr-{uuid.uuid4().hex[:10]}", "version": 1,
            "record_type": "penalty_publicity", "subject_code": subject["uscc"],
            "subject_name": subject["name"], "subject_kind": subject["kind"],
            "district_code": subject["district_code"],
            "decision_number": f"穗天市监处罚〔{TODAY.year}〕{uuid.uuid4().int % 9999}号",
            "decision_date": (TODAY - timedelta(days=3)).isoformat(),
            "penalty_domain": "food", "penalty_kinds": ["fine"], "fine_amount": "50000.00",
            "deciding_department_name": "广州市天河区市场监督管理局",
            "deciding_unit_code": subject["district_code"] + "01", **changes}


def public_records(http, subject) -> list[dict]:
    found = http.get(f"/api/v1/public/subjects/{subject['uscc']}")
    assert found.status_code == 200, found.text
    return found.json()["records"]


def record_with(http, subject, decision_number, documents=True) -> dict:
    def shown():
        return next((r for r in public_records(http, subject)
                     if r["decision_number"] == decision_number
                     and (r["documents"] or not documents)), None)

    return wait_until(shown, 30, interval=0.2, message=f"the record of {decision_number}")


def texts(http, phone, number) -> list[str]:
    return [m["body"] for m in http.get("/api/v1/dev/sms", params={"phone": phone}).json()[
        "items"] if number in m["body"]]


def test_an_own_penalty_comes_with_its_verifiable_repair_notice_by_sms_and_in_public(
        http, disclosure_db, publish):
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone)
    sent = penalty(subject)
    message_id = publish("gz-amr", "record.upserted.v1", sent)

    record = record_with(http, subject, sent["decision_number"])
    [notice] = record["documents"]
    assert (notice["kind"], notice["kind_label"]) == ("repair_notice", "信用修复告知书")
    assert NOTICE_NUMBER.match(notice["number"]), notice
    assert notice["issued_on"] == TODAY.isoformat()
    page = http.get(f"/api/v1/public/records/{record['id']}").json()
    assert page["record"]["documents"] == [notice]
    search = http.get("/api/v1/public/records", params={"name": subject["name"]}).json()
    assert [i["record"]["documents"] for i in search["items"]] == [[notice]]

    code = notice["verification_code"]
    verified = wait_until(lambda: (v := http.get("/api/v1/public/documents/verify",
                                                 params={"code": code})).status_code == 200
                          and v.json(), 30, interval=0.2, message="the rendered notice")
    assert (verified["number"], verified["title"], verified["subject_code"]) == (
        notice["number"], "信用修复告知书", subject["uscc"])
    pdf = http.get("/api/v1/public/documents/pdf", params={"code": code})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    by_file = http.post("/api/v1/public/documents/verify",
                        files={"file": ("告知书.pdf", pdf.content, "application/pdf")})
    assert by_file.status_code == 200 and by_file.json()["number"] == notice["number"]
    words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    earliest = add_months(TODAY - timedelta(days=3), 12)
    words = re.sub(r"\s+", "", words)
    for expected in ("信用修复告知书", subject["name"], sent["decision_number"],
                     f"{earliest.year}年{earliest.month}月{earliest.day}日", "不收取任何费用",
                     "信用修复申请书", "广州市天河区市场监督管理局", code):
        assert expected in words, expected

    [sms] = wait_until(lambda: texts(http, phone, notice["number"]), 30, interval=0.2,
                       message="the notice's SMS")
    assert "不收取任何费用" in sms and f"{earliest.year}年{earliest.month}月{earliest.day}日" in sms
    assert f"/api/v1/public/documents/pdf?code={code}" in sms
    link = sms.split("查看告知书：", 1)[1].strip()
    assert http.get(link.removeprefix(str(http.base_url).rstrip("/"))).content == pdf.content

    # the same message again, then an update of the record: nothing more is issued or sent
    publish("gz-amr", "record.upserted.v1", sent, message_id=message_id)
    publish("gz-amr", "record.upserted.v1", {**sent, "version": 2,
                                             "obligations_fulfilled_on": TODAY.isoformat()})
    wait_until(lambda: next(r for r in public_records(http, subject)
                            if r["id"] == record["id"])["obligations_fulfilled_on"]
               == TODAY.isoformat(), 30, interval=0.2, message="the update applied")
    # a later own penalty of the subject is issued after both went through the queues
    later = penalty(subject)
    publish("gz-amr", "record.upserted.v1", later)
    [second] = record_with(http, subject, later["decision_number"])["documents"]
    wait_until(lambda: texts(http, phone, second["number"]), 30, interval=0.2,
               message="the later notice's SMS")
    assert next(r for r in public_records(http, subject)
                if r["id"] == record["id"])["documents"] == [notice]
    assert texts(http, phone, notice["number"]) == [sms]
    assert second["number"] != notice["number"]


def test_another_department_s_penalty_and_a_listing_get_no_notice(http, disclosure_db,
                                                                  publish):
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone)
    theirs = penalty(subject, record_type="other_department_penalty",
                     deciding_department_name="广州市生态环境局", deciding_unit_code=None,
                     penalty_domain="other")
    publish("gz-env", "record.upserted.v1", theirs)
    listing = {"source_record_id": f"amr-{uuid.uuid4().hex[:10]}", "version": 1,
               "record_type": "abnormal_operation_list", "subject_code": subject["uscc"],
               "subject_name": subject["name"], "subject_kind": "enterprise",
               "district_code": subject["district_code"],
               "listing_reason": "annual_report_overdue", "listing_date": TODAY.isoformat(),
               "listing_unit_code": subject["district_code"] + "01",
               "listing_document_number": f"穗天市监异〔{TODAY.year}〕7号"}
    publish("gz-amr", "record.upserted.v1", listing)
    ours = penalty(subject)
    publish("gz-amr", "record.upserted.v1", ours)
    # ours issued (the chain ran for the subject); the other two are there without one
    [notice] = record_with(http, subject, ours["decision_number"])["documents"]
    wait_until(lambda: len(public_records(http, subject)) == 3, 30, interval=0.2,
               message="all three records")
    shown = {r["record_type"]: r["documents"] for r in public_records(http, subject)}
    assert shown == {"penalty_publicity": [notice], "other_department_penalty": [],
                     "abnormal_operation_list": []}
    wait_until(lambda: texts(http, phone, notice["number"]), 30, interval=0.2,
               message="the notice's SMS")
    assert len(http.get("/api/v1/dev/sms", params={"phone": phone}).json()["items"]) == 1


def test_bad_input_gets_a_clear_answer_and_issues_nothing(http, disclosure_db, publish,
                                                          amqp_uri):
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone)
    sent = {publish("gz-amr", "record.upserted.v1",
                    penalty(subject, deciding_unit_code="44010699")): "UNKNOWN_UNIT",
            publish("gz-amr", "record.upserted.v1",
                    penalty(subject, decision_date="2026-02-30")):
            "INVALID_MESSAGE: payload.decision_date：不是有效的日期"}

    def dead_lettered():
        found = {m["message_id"]: m["reason"]
                 for m in dlq.list_messages(amqp_uri, INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE)}
        return found if set(sent) <= set(found) else None

    reasons = wait_until(dead_lettered, 30, interval=0.2, message="the bad penalties refused")
    for message_id, expected in sent.items():
        assert reasons[message_id].startswith(expected), reasons[message_id]
    assert public_records(http, subject) == []
    assert http.get("/api/v1/dev/sms", params={"phone": phone}).json()["items"] == []

    assert_error(http.get("/api/v1/public/documents/pdf", params={"code": "0123456789AB"}),
                 404, "DOCUMENT_NOT_FOUND")
    assert_error(http.get("/api/v1/public/documents/pdf", params={"code": "abc"}), 422,
                 "VALIDATION_FAILED")
    assert_error(http.get("/api/v1/public/documents/pdf"), 422, "VALIDATION_FAILED")
