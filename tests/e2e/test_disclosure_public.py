"""Another agency's record travels over the bus into disclosure, is searchable through the
gateway's public API with personal data masked, and its publication is announced back on the
inter-agency exchange by disclosure's relay."""

import json
import time
import uuid
from datetime import datetime, UTC

import pika
from stdnum.cn import uscc

from credit_common.broker_users import partner_uri
from credit_common.reference.partner_agencies import partner_of_agency
from credit_common.testing.platform import wait_until

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def new_uscc():
    n = uuid.uuid4().int
    body = "91440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
    return body + uscc.calc_check_digit(body + "0")


def test_an_agency_record_becomes_public_and_is_announced(platform, http, amqp_uri):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.exchange_declare("interagency", "topic", durable=True)
    listener = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(listener, "interagency", "record.publicity_changed.v1")
    channel.confirm_delivery()

    code, marker = new_uscc(), f"甄璞{uuid.uuid4().hex[:4]}"
    message = {
        "schema_version": "1.0", "message_id": str(uuid.uuid4()), "source_agency": "gz-tax",
        "occurred_at": datetime.now(UTC).isoformat(),
        "payload": {"source_record_id": f"tax-{uuid.uuid4().hex[:8]}", "version": 1,
                   "subject_code": code, "subject_name": f"广州{marker}税务测试有限公司",
                   "district_code": "440106", "decision_number": "穗税稽罚〔2026〕7号",
                   "decision_date": "2026-06-01", "penalty_kinds": ["fine"],
                   "fine_amount": "3000.00", "deciding_department_name": "国家税务总局广州市税务局"}}
    # the tax bureau publishes as its own broker user, which the message's user_id names
    partner = pika.BlockingConnection(pika.URLParameters(partner_uri(amqp_uri, "gz-tax")))
    try:
        partner_channel = partner.channel()
        partner_channel.confirm_delivery()
        partner_channel.basic_publish(
            "interagency", "record.upserted.v1", json.dumps(message, ensure_ascii=False).encode(),
            pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                 message_id=message["message_id"],
                                 user_id=partner_of_agency("gz-tax").broker_user))
    finally:
        partner.close()

    def found():
        body = http.get("/api/v1/public/subjects", params={"q": marker}).json()
        return body["items"] or None

    [item] = wait_until(found, 20, interval=0.2, message="the record in public search")
    assert item["subject"]["uscc"] == code
    assert item["record"]["record_type"] == "other_department_penalty"
    assert item["record"]["deciding_unit_name"] == "国家税务总局广州市税务局"
    assert item["subject"]["personal_data_masked"] is True

    page = http.get("/api/v1/public/subjects", params={"q": marker, "limit": 1}).json()
    assert page == {"items": [item], "next_cursor": item["record"]["id"]}
    page = http.get("/api/v1/public/subjects",
                    params={"q": marker, "limit": 1, "cursor": page["next_cursor"]}).json()
    assert page == {"items": [], "next_cursor": None}
    assert http.get("/api/v1/public/subjects", params={"type": "nope"}).status_code == 422

    subject = http.get(f"/api/v1/public/subjects/{code}").json()
    assert [r["decision_number"] for r in subject["records"]] == ["穗税稽罚〔2026〕7号"]
    history = http.get(f"/api/v1/public/records/{item['record']['id']}").json()["history"]
    assert [(h["to_state"], h["cause_kind"]) for h in history] == [("active", "message")]

    deadline = time.monotonic() + 20
    announced = None
    while announced is None and time.monotonic() < deadline:
        method, _properties, body = channel.basic_get(listener, auto_ack=True)
        if method is None:
            time.sleep(0.1)
            continue
        envelope = json.loads(body)
        if envelope["payload"]["record_id"] == item["record"]["id"]:
            announced = envelope
    connection.close()
    assert announced is not None, "no record.publicity_changed for the new record"
    assert announced["source_agency"] == "samr-guangzhou"
    assert announced["payload"]["to_state"] == "active"
    assert announced["payload"]["source_record"] == {
        "agency": "gz-tax", "id": message["payload"]["source_record_id"]}


def test_bad_public_queries_get_4xx_with_a_code(http):
    assert http.get("/api/v1/public/records", params={"limit": "abc"}).status_code == 422
    assert http.get("/api/v1/public/records", params={"colour": "red"}).status_code == 422
    response = http.get("/api/v1/public/subjects/91440106MA59ABCD10")
    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_SUBJECT_CODE"
    response = http.get(f"/api/v1/public/subjects/{new_uscc()}")
    assert response.status_code == 404 and response.json()["code"] == "SUBJECT_NOT_FOUND"
    response = http.get("/api/v1/public/records/not-a-uuid")
    assert response.status_code == 404 and response.json()["code"] == "RECORD_NOT_FOUND"
