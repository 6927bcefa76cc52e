"""IntakeService in a real container against the run's broker and database."""

import concurrent.futures
import json
import time
import uuid
from datetime import datetime, UTC

import pika
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text
from stdnum.cn import uscc

from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import CaseOpened
from credit_common.topology import find_subscription, declare_subscription
from intake.service import IntakeService


def make_uscc():
    body = "91440106" + f"MA{uuid.uuid4().int % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def payload(district="440106", **changes):
    return {"record_type": "penalty_publicity", "subject_uscc": make_uscc(),
            "subject_name": "广州集成测试有限公司", "district_code": district, **changes}


def unique_district():
    # a district code per test keeps daily sequences apart
    return f"9{uuid.uuid4().int % 10**5:05d}"


@pytest.fixture
def intake(container_factory, nameko_config, clean_queues):
    container = container_factory(IntakeService, nameko_config)
    container.start()
    return container


def count(db_engine, sql, **params):
    with db_engine["intake"].connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_health_reports_database_and_broker(intake, nameko_config):
    with ClusterRpcProxy(nameko_config) as proxy:
        status = proxy.intake.health()
    assert status == {"service": "intake", "version": status["version"], "database": True,
                      "broker": True, "ok": True,
                      "checks": {"database": "ok", "broker": "ok"}}


def test_the_application_and_its_event_are_saved_in_one_transaction(intake, nameko_config,
                                                                    db_engine):
    with ClusterRpcProxy(nameko_config) as proxy:
        application = proxy.intake.submit_application(payload())
    assert isinstance(application["submitted_at"], str)
    assert count(db_engine, "SELECT count(*) FROM applications WHERE id = :id",
                 id=application["id"]) == 1
    assert count(db_engine, "SELECT count(*) FROM outbox WHERE routing_key = "
                 "'application_submitted' AND body->'data'->>'application_id' = :id",
                 id=application["id"]) == 1


def test_a_refused_submission_leaves_neither_row_nor_event(intake, nameko_config, db_engine):
    bad = payload()
    bad["subject_uscc"] = bad["subject_uscc"][:-1] + ("0" if bad["subject_uscc"][-1] != "0"
                                                     else "1")
    before = count(db_engine, "SELECT count(*) FROM outbox")
    with ClusterRpcProxy(nameko_config) as proxy:
        with pytest.raises(RemoteError) as raised:
            proxy.intake.submit_application(bad)
    assert raised.value.exc_type == "ValidationFailed"
    assert count(db_engine, "SELECT count(*) FROM applications WHERE subject_uscc = :u",
                 u=bad["subject_uscc"]) == 0
    assert count(db_engine, "SELECT count(*) FROM outbox") == before


def test_fifty_concurrent_submissions_get_fifty_distinct_numbers(intake, nameko_config):
    district = unique_district()

    def submit(_):
        with ClusterRpcProxy(nameko_config) as proxy:
            return proxy.intake.submit_application(payload(district))["acceptance_number"]

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        numbers = list(pool.map(submit, range(50)))
    assert len(set(numbers)) == 50
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, 51))


def test_an_idempotency_key_replay_returns_the_same_application_and_one_event(
        intake, nameko_config, db_engine):
    body = payload(unique_district())
    key = uuid.uuid4().hex
    with ClusterRpcProxy(nameko_config) as proxy:
        first = proxy.intake.submit_application(body, idempotency_key=key)
        again = proxy.intake.submit_application(body, idempotency_key=key)
        after = proxy.intake.submit_application(body, idempotency_key=uuid.uuid4().hex)
    assert first["id"] == again["id"]
    assert again["acceptance_number"] == first["acceptance_number"]
    # the replay took no number: the next submission of the district gets the next one
    assert int(after["acceptance_number"][-6:]) == int(first["acceptance_number"][-6:]) + 1
    assert count(db_engine, "SELECT count(*) FROM outbox WHERE "
                 "body->'data'->>'application_id' = :id", id=first["id"]) == 1


def test_an_unknown_application_is_not_found(intake, nameko_config):
    with ClusterRpcProxy(nameko_config) as proxy:
        with pytest.raises(RemoteError) as raised:
            proxy.intake.get_application(str(uuid.uuid4()))
    assert raised.value.exc_type == "NotFound"


def test_case_opened_is_recorded_once_however_often_it_arrives(intake, nameko_config,
                                                               amqp_uri, db_engine):
    with ClusterRpcProxy(nameko_config) as proxy:
        application = proxy.intake.submit_application(payload())
    case_id = uuid.uuid4()
    event = EventEnvelope(event_type="case_opened", source="workflow", data=CaseOpened(
        case_id=case_id, application_id=application["id"],
        acceptance_number=application["acceptance_number"],
        opened_at=datetime.now(UTC)).model_dump(mode="json"))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription("workflow", "case_opened", "intake"))
    for _ in range(2):
        channel.basic_publish("workflow.events", "case_opened",
                              json.dumps(event.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(event.message_id)))
    connection.close()

    deadline = time.monotonic() + 10
    while count(db_engine, "SELECT count(*) FROM processed_messages WHERE message_id = :m",
                m=str(event.message_id)) == 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    with ClusterRpcProxy(nameko_config) as proxy:
        seen = proxy.intake.get_application(application["id"])
    assert seen["status"] == "pending_acceptance"
    assert seen["case_id"] == str(case_id)
    assert seen["version"] == 2, "the second delivery changed the application again"
    # the handler stages nothing by hand: the commit announced the change, once
    assert count(db_engine, "SELECT count(*) FROM outbox WHERE routing_key = "
                 "'application_status_changed' AND body->'data'->>'application_id' = :id",
                 id=application["id"]) == 1
    assert count(db_engine, "SELECT count(*) FROM outbox WHERE "
                 "body->'data'->>'application_id' = :id", id=application["id"]) == 2
