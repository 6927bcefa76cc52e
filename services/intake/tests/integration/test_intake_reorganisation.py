"""A bankruptcy reorganisation's application in a real intake container against the run's
broker and database: the administrator's draft with the subject's eligible records, bad
rulings refused with nothing stored, the submission routed to the credit section, the
approval announced to disclosure with the expiry, the ruling on the plan filed once, and
disclosure's answer (through the real queue, twice) shown to the administrator and told once."""

from __future__ import annotations

import base64
import json
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pika
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import CaseStatusChanged
from credit_common.contracts.reorganisation import TemporaryRepairChanged
from credit_common.testing import payloads
from credit_common.testing.files import minimal_pdf, minimal_png
from credit_common.topology import declare_subscription, find_subscription
from intake.service import IntakeService

PDF = minimal_pdf()
TODAY = now().date()


@pytest.fixture
def intake(container_factory, nameko_config, clean_queues):
    container_factory(IntakeService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.intake


def code_of(raised) -> str:
    return raised.value.value.split(":", 1)[0]


def administrator(intake):
    phone = "136" + f"{random.randrange(10**8):08d}"
    applicant = intake.log_in(phone, intake.request_login_code(phone)["code"])["applicant_id"]
    code = "91440106MA5" + uuid.uuid4().hex[:6].upper()
    subject = payloads.subject_snapshot(code=code, uscc=code, name="广州重整测试有限公司")
    intake.bind_subject(applicant, subject, "manual", 1)
    records = [payloads.registry_record(
        record_type="abnormal_operation_list", listing_reason="annual_report_overdue",
        listing_date="2026-01-05", district_code="440106", listing_unit_code="44010601"),
        payloads.registry_record(penalty_kinds=["fine"], fine_amount="50000.00",
                                 decision_date="2026-01-05", deciding_unit_code="44010602"),
        payloads.registry_record(record_type="other_department_penalty",
                                 penalty_kinds=["fine"], decision_date="2026-01-05")]
    return phone, applicant, subject, records


def accepting_ruling(subject, **changes) -> dict:
    return {"kind": "reorganisation_accepted", "court": "广州市中级人民法院",
            "case_number": "（2026）粤01破12号",
            "ruling_date": (TODAY - timedelta(days=10)).isoformat(),
            "debtor_name": subject["name"], "debtor_code": subject["code"], **changes}


def applications_of(db_engine, applicant) -> int:
    with db_engine["intake"].connect() as conn:
        return conn.execute(text("SELECT count(*) FROM applications WHERE applicant_id = :a"),
                            {"a": applicant}).scalar_one()


def test_bad_rulings_are_refused_and_nothing_is_stored(intake, db_engine):
    phone, applicant, subject, records = administrator(intake)
    for changes, expected in (
            ({"ruling_date": (TODAY + timedelta(days=1)).isoformat()}, "RULING_DATE_IN_FUTURE"),
            ({"debtor_code": "91440106MA59ABCD1M"}, "RULING_SUBJECT_MISMATCH"),
            ({"ruling_date": (TODAY - timedelta(days=400)).isoformat()},
             "REORGANISATION_PERIOD_ENDED"),
            ({"court": ""}, "VALIDATION_FAILED")):
        with pytest.raises(RemoteError) as raised:
            intake.create_reorganisation_draft(applicant, subject["code"],
                                               accepting_ruling(subject, **changes),
                                               "广东示例律师事务所", {"contact_phone": phone},
                                               records)
        assert code_of(raised) == expected
    with pytest.raises(RemoteError) as raised:  # only records no reorganisation hides
        intake.create_reorganisation_draft(applicant, subject["code"], accepting_ruling(subject),
                                           "广东示例律师事务所", {}, records[2:])
    assert code_of(raised) == "NO_ELIGIBLE_RECORDS"
    assert applications_of(db_engine, applicant) == 0


def publish(amqp_uri, event, source, message_id=None) -> EventEnvelope:
    envelope = EventEnvelope(event_type=event.event_type, source=source,
                             data=event.model_dump(mode="json"),
                             **({"message_id": message_id} if message_id else {}))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription(source, event.event_type, "intake"))
    channel.basic_publish(f"{source}.events", event.event_type,
                          json.dumps(envelope.model_dump(mode="json")).encode(),
                          pika.BasicProperties(content_type="application/json",
                                               message_id=str(envelope.message_id)))
    connection.close()
    return envelope


def wait_for(intake, applicant, application_id, predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        detail = intake.application_detail(applicant, application_id)
        if predicate(detail):
            return detail
        assert time.monotonic() < deadline, detail["status"]
        time.sleep(0.05)


def wait_until_processed(db_engine, message_id, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        with db_engine["intake"].connect() as conn:
            if conn.execute(text("SELECT 1 FROM processed_messages WHERE message_id = :m"),
                            {"m": str(message_id)}).first():
                return
        assert time.monotonic() < deadline, "the answer was not handled in time"
        time.sleep(0.05)


def outbox(db_engine, application_id) -> list[dict]:
    with db_engine["intake"].connect() as conn:
        return [{"type": r[0], **r[1]} for r in conn.execute(text(
            "SELECT routing_key, body->'data' FROM outbox "
            "WHERE body->'data'->>'application_id' = :a ORDER BY id"), {"a": application_id})]


def test_from_the_draft_to_the_plan_confirmed(intake, db_engine, amqp_uri):
    phone, applicant, subject, records = administrator(intake)
    draft = intake.create_reorganisation_draft(applicant, subject["code"],
                                               accepting_ruling(subject), "广东示例律师事务所",
                                               {"contact_name": "王管理", "contact_phone": phone},
                                               records)
    assert draft["record_ids"] == [records[0]["id"], records[1]["id"]]
    assert [a["reason_code"] for a in draft["eligibility"]] == [None, None, "TYPE_NOT_ELIGIBLE"]
    with pytest.raises(RemoteError) as raised:
        intake.add_material(applicant, draft["id"], "reorganisation_ruling", "a.png",
                            base64.b64encode(minimal_png()).decode())
    assert code_of(raised) == "PDF_REQUIRED"
    for kind in ("reorganisation_ruling", "administrator_appointment", "commitment"):
        intake.add_material(applicant, draft["id"], kind, "a.pdf",
                            base64.b64encode(PDF).decode())
    submitted = intake.submit(applicant, draft["id"], records)
    [event] = outbox(db_engine, draft["id"])
    assert (event["type"], event["record_type"], event["deciding_unit_code"],
            event["district_code"]) == ("application_submitted", "bankruptcy_reorganisation",
                                        None, "440106")

    # a ruling on the plan before the approval: refused, nothing kept
    ruling = {"kind": "plan_confirmed", "court": "广州市中级人民法院",
              "case_number": "（2026）粤01破12号之三", "ruling_date": TODAY.isoformat()}
    with pytest.raises(RemoteError) as raised:
        intake.file_reorganisation_ruling(applicant, draft["id"], ruling, "批准.pdf",
                                          base64.b64encode(PDF).decode())
    assert code_of(raised) == "NO_TEMPORARY_REPAIR"

    publish(amqp_uri, CaseStatusChanged(
        case_id=uuid.uuid4(), application_id=draft["id"],
        acceptance_number=submitted["acceptance_number"], case_version=5, status="approved",
        occurred_at=datetime.now(UTC), decision_id="case:5",
        record_type="bankruptcy_reorganisation"), "workflow")
    detail = wait_for(intake, applicant, draft["id"],
                      lambda d: d["status"] == "temporarily_repaired")
    expires_on = detail["reorganisation"]["expires_on"]
    granted = outbox(db_engine, draft["id"])[-1]
    assert (granted["type"], granted["change"], granted["expires_on"], granted["decision_id"],
            granted["record_ids"]) == ("reorganisation_changed", "granted", expires_on,
                                       "case:5", submitted["record_ids"])

    filed = intake.file_reorganisation_ruling(applicant, draft["id"], ruling, "批准.pdf",
                                              base64.b64encode(PDF).decode())
    assert filed["reorganisation"]["follow_up"]["ruling"]["case_number"] == "（2026）粤01破12号之三"
    assert outbox(db_engine, draft["id"])[-1]["change"] == "plan_confirmed"

    answer = TemporaryRepairChanged(
        application_id=draft["id"], acceptance_number=submitted["acceptance_number"],
        state="final", cause="plan_confirmed", expires_on=date.fromisoformat(expires_on),
        record_ids=submitted["record_ids"], occurred_at=datetime.now(UTC))
    first = publish(amqp_uri, answer, "disclosure")
    detail = wait_for(intake, applicant, draft["id"], lambda d: d["status"] == "repaired")
    publish(amqp_uri, answer, "disclosure", message_id=first.message_id)  # delivered again
    # then an answer that changes nothing: once it is handled, so is the repeat before it
    marker = publish(amqp_uri, answer.model_copy(update={"state": "temporary",
                                                          "cause": "granted"}), "disclosure")
    wait_until_processed(db_engine, marker.message_id)
    told = [e for e in outbox(db_engine, draft["id"])
            if e["type"] == "application_status_changed"]
    assert [e["status"] for e in told] == ["temporarily_repaired", "repaired"]
    assert "批准重整计划" in told[-1]["note"]
    assert detail["timeline"][-1]["to_status"] == "repaired"
