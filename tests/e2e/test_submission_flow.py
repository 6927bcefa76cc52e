"""The foundation's one real flow, through the real processes: intake announces
``application_submitted`` through its outbox, workflow opens exactly one case, and intake
hears ``case_opened``."""

import json
import uuid

import pika
from sqlalchemy import text

from credit_common.testing.platform import wait_until


def wait_for_case(http, acceptance_number, timeout=15):
    def case():
        response = http.get(f"/api/v1/dev/cases/{acceptance_number}")
        return response.json() if response.status_code == 200 else None

    return wait_until(case, timeout, message=f"case {acceptance_number}")


def test_submission_opens_one_case_and_the_applicant_sees_it(http, application_payload):
    response = http.post("/api/v1/dev/applications", json=application_payload())
    assert response.status_code == 201, response.text
    application = response.json()
    assert application["acceptance_number"].startswith("XF-440106-")
    assert application["status"] == "submitted"

    case = wait_for_case(http, application["acceptance_number"])
    assert case["application_id"] == application["id"]
    assert case["status"] == "pending_acceptance"

    def applicant_sees_pending():
        body = http.get(f"/api/v1/dev/applications/{application['id']}").json()
        return body if body["status"] == "pending_acceptance" else None

    seen = wait_until(applicant_sees_pending, 15, message="case_opened reaching intake")
    assert seen["case_id"] == case["id"]
    assert seen["status_label"] == "待受理"


def test_request_id_travels_from_gateway_through_events_to_workflow(platform, http,
                                                                    application_payload):
    request_id = f"e2e-{uuid.uuid4().hex}"
    response = http.post("/api/v1/dev/applications", json=application_payload(),
                         headers={"X-Request-ID": request_id})
    assert response.status_code == 201
    assert response.headers["X-Request-ID"] == request_id
    wait_for_case(http, response.json()["acceptance_number"])

    def logged_by_workflow():
        for line in platform.log("workflow").splitlines():
            if request_id in line and "case opened" in line:
                return json.loads(line)
        return None

    entry = wait_until(logged_by_workflow, 10, message="workflow log line with the request id")
    assert entry["request_id"] == request_id
    assert entry["acceptance_number"] == response.json()["acceptance_number"]


def test_idempotency_key_replay_returns_the_first_application(http, application_payload,
                                                              db_engine):
    payload = application_payload()
    key = uuid.uuid4().hex
    first = http.post("/api/v1/dev/applications", json=payload, headers={"Idempotency-Key": key})
    second = http.post("/api/v1/dev/applications", json=payload, headers={"Idempotency-Key": key})
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    with db_engine["intake"].connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM applications WHERE subject_uscc = :u"),
                             {"u": payload["subject_uscc"]}).scalar_one()
    assert count == 1


def test_the_same_event_delivered_twice_has_one_effect(platform, http, application_payload,
                                                        db_engine, amqp_uri):
    application = http.post("/api/v1/dev/applications", json=application_payload()).json()
    wait_for_case(http, application["acceptance_number"])
    with db_engine["intake"].connect() as conn:
        message_id, body = conn.execute(text(
            "SELECT message_id, body FROM outbox WHERE routing_key = 'application_submitted' "
            "AND body->'data'->>'application_id' = :id"
        ), {"id": application["id"]}).one()

    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    for _ in range(2):  # what a relay that crashed before marking the row sent would do
        channel.basic_publish("intake.events", "application_submitted",
                              json.dumps(body).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   delivery_mode=2, message_id=str(message_id)))
    connection.close()

    def both_redeliveries_handled():
        return sum(1 for line in platform.log("workflow").splitlines()
                   if "already handled" in line and str(message_id) in line) == 2

    wait_until(both_redeliveries_handled, 10, message="both redeliveries consumed")
    with db_engine["workflow"].connect() as conn:
        cases = conn.execute(text("SELECT count(*) FROM cases WHERE application_id = :id"),
                             {"id": application["id"]}).scalar_one()
        opened = conn.execute(text(
            "SELECT count(*) FROM outbox WHERE routing_key = 'case_opened' "
            "AND body->'data'->>'application_id' = :id"), {"id": application["id"]}).scalar_one()
    assert cases == 1
    assert opened == 1

