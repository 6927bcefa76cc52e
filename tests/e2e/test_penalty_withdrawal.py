"""A penalty of ours withdrawn after an administrative review or a court's judgment, through
the gateway and the bus as `make run` starts them: the officer withdraws it, the public query
shows it 已撤销 with the ruling, the other agencies receive it on `interagency`, the subject
gets an SMS, the ruling's file is kept; every bad request gets a clear error and changes
nothing."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta

import pika
import pytest

from credit_common.clock import now
from credit_common.testing.files import minimal_pdf
from credit_common.testing.platform import wait_until
from tests.e2e import registry
from tests.e2e.test_applicant_journey import assert_error
from tests.e2e.test_officer_journey import add_officer, officer_login

TODAY = now().date()


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


def form(**changes) -> dict:
    return {"ruling_kind": "administrative_review", "ruling_number": "穗府复决〔2026〕15号",
            "ruling_date": (TODAY - timedelta(days=2)).isoformat(),
            "reason": "复议机关认定事实不清，决定撤销该行政处罚决定", **changes}


def withdraw(http, headers, record_id, data=None, file=("复议决定书.pdf", minimal_pdf())):
    files = {"file": (file[0], file[1], "application/pdf")} if file else None
    return http.post(f"/api/v1/officer/records/{record_id}/withdrawal", headers=headers,
                     data=form() if data is None else data, files=files)


def public_record(http, record_id) -> dict:
    return http.get(f"/api/v1/public/records/{record_id}").json()


def listener(amqp_uri):
    """A partner's view of the bus: a queue bound to what we publish on ``interagency``."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.exchange_declare("interagency", "topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    for key in ("record.penalty_withdrawn.v1", "record.publicity_changed.v1"):
        channel.queue_bind(queue, "interagency", key)
    return connection, channel, queue


def received(channel, queue, record_id) -> dict[str, dict]:
    found = {}
    while True:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return found
        envelope = json.loads(body)
        if envelope["payload"]["record_id"] == record_id:
            found[method.routing_key] = envelope


def test_an_officer_withdraws_a_penalty_everyone_is_told_and_bad_requests_change_nothing(
        http, db_engine, disclosure_db, amqp_uri):
    approver = officer_login(http, add_officer(db_engine, "44010601", ["approver"], "王审批"))
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    elsewhere = officer_login(http, add_officer(db_engine, "44011101", ["approver"]))
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone)
    record = registry.add_penalty(disclosure_db, subject,
                                  publicity_start=TODAY - timedelta(days=60))
    history = len(public_record(http, record)["history"])
    connection, channel, queue = listener(amqp_uri)

    # refused, each with its code and a Chinese message, and nothing changes
    assert_error(withdraw(http, approver, str(uuid.uuid4())), 404, "RECORD_NOT_FOUND")
    assert_error(withdraw(http, elsewhere, record), 403, "RECORD_NOT_OF_MY_DISTRICT")
    assert_error(withdraw(http, handler, record), 403, "ROLE_REQUIRED")
    assert_error(withdraw(http, approver, record, file=("复议决定书.pdf", b"MZ\x90\x00")), 422,
                 "UNSUPPORTED_FILE_TYPE")
    assert_error(withdraw(http, approver, record, file=None), 422, "VALIDATION_FAILED")
    missing = {k: v for k, v in form().items() if k != "ruling_number"}
    assert_error(withdraw(http, approver, record, data=missing), 422, "VALIDATION_FAILED")
    assert_error(withdraw(http, approver, record, data=form(ruling_kind="appeal")), 422,
                 "VALIDATION_FAILED")
    body = assert_error(withdraw(http, approver, record, data=form(
        ruling_date=(TODAY + timedelta(days=1)).isoformat())), 422, "INVALID_WITHDRAWAL")
    assert "ruling_date" in body["details"]["fields"]
    unchanged = public_record(http, record)
    assert unchanged["record"]["publicity_state"] == "active"
    assert len(unchanged["history"]) == history

    # the approver of the deciding unit's district bureau withdraws it: publicity stops at once
    answer = withdraw(http, approver, record)
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] is True
    shown = public_record(http, record)
    assert (shown["record"]["publicity_state"], shown["record"]["publicity_state_label"]) == (
        "withdrawn", "已撤销")
    [document] = shown["record"]["documents"]
    assert (document["kind_label"], document["number"]) == ("行政复议决定", "穗府复决〔2026〕15号")
    assert shown["history"][-1]["cause_kind"] == "withdrawal"
    subject_page = http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()
    assert [r["publicity_state_label"] for r in subject_page["records"]] == ["已撤销"]

    # the ruling's file is kept, and its verification code is the start of its SHA-256
    kept = http.get(f"/api/v1/officer/records/{record}/withdrawal/file", headers=approver)
    assert kept.status_code == 200 and kept.content == minimal_pdf()
    assert_error(http.get(f"/api/v1/officer/records/{record}/withdrawal/file",
                          headers=elsewhere), 403, "RECORD_NOT_OF_MY_DISTRICT")
    assert_error(http.get(f"/api/v1/officer/records/{uuid.uuid4()}/withdrawal/file",
                          headers=approver), 404, "WITHDRAWAL_NOT_FOUND")
    assert hashlib.sha256(kept.content).hexdigest()[:12].upper() == document["verification_code"]

    # the same ruling again is the same withdrawal; another one on it is refused
    again = withdraw(http, approver, record)
    assert again.status_code == 200 and again.json()["created"] is False
    assert_error(withdraw(http, approver, record, data=form(
        ruling_kind="court_judgment", ruling_number="（2026）粤0106行初55号")), 409,
        "RECORD_ALREADY_WITHDRAWN")
    assert len(public_record(http, record)["history"]) == history + 1

    # other agencies receive the ruling and the publicity change, once each
    messages: dict[str, dict] = {}

    def both():
        messages.update(received(channel, queue, record))
        return len(messages) == 2

    wait_until(both, 20, interval=0.2, message="both messages on interagency")
    connection.close()
    withdrawn = messages["record.penalty_withdrawn.v1"]["payload"]
    assert (withdrawn["ruling_kind"], withdrawn["ruling_number"], withdrawn["subject_code"]) == (
        "administrative_review", "穗府复决〔2026〕15号", subject["uscc"])
    assert messages["record.publicity_changed.v1"]["payload"]["to_state"] == "withdrawn"

    # the subject is told by SMS, once
    def texts():
        return [m["body"] for m in http.get("/api/v1/dev/sms", params={"phone": phone}).json()[
            "items"] if "已停止公示" in m["body"]]

    [text] = wait_until(texts, 20, interval=0.2, message="the subject's SMS")
    assert "行政复议决定（穗府复决〔2026〕15号）" in text and subject["name"] in text


def test_an_open_repair_application_about_the_withdrawn_penalty_ends_as_no_repair_needed(
        http, db_engine, disclosure_db):
    from tests.e2e.test_officer_journey import act, case_in_todo
    from tests.e2e.test_six_types import applicant_with_draft, submit

    office = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    approver = officer_login(http, add_officer(db_engine, "44010601", ["approver"]))
    headers, subject, record, _application, app_url = applicant_with_draft(
        http, disclosure_db, "penalty_publicity")
    number = submit(http, headers, app_url)
    version = case_in_todo(http, office, number)["version"]
    assert act(http, office, number, "accept", version).status_code == 200

    answer = withdraw(http, approver, record, data=form(
        ruling_kind="court_judgment", ruling_number="（2026）粤0106行初55号"))
    assert answer.status_code == 200, answer.text

    # the case ends without a decision and the applicant sees (and is told) 无需修复
    detail = wait_until(lambda: (lambda d: d if d["status"] == "no_repair_needed" else None)(
        http.get(app_url, headers=headers).json()), 20, interval=0.2,
        message="the applicant to see 无需修复")
    assert detail["status_label"] == "无需修复"
    case = http.get(f"/api/v1/officer/cases/{number}", headers=office).json()
    assert case["case"]["status"] == "no_repair_needed"
    assert case["approval_form"][-1]["action_label"] == "行政处罚已撤销"
    assert "（2026）粤0106行初55号" in case["approval_form"][-1]["opinion"]

    def told():
        bodies = [m["body"] for m in http.get("/api/v1/dev/sms", params={
            "phone": detail["form"]["contact_phone"]}).json()["items"]]
        return bodies if any(f"受理编号 {number}）当前状态：无需修复" in b for b in bodies) else None

    wait_until(told, 20, interval=0.2, message="the applicant's SMS")
    assert_error(act(http, office, number, "verify", case["case"]["version"], opinion="属实"),
                 409, "ILLEGAL_TRANSITION")
