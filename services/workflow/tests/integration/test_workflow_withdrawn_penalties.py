"""WorkflowService and a withdrawn penalty, on the run's RabbitMQ and PostgreSQL: a case about
that record alone, still undecided, ends as 无需修复 once (the applicant told through the
case event), whichever of the submission and the withdrawal arrives first; a case about
several records goes on with the withdrawal in its approval form; a decided case is left
alone."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime

import pika
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted, PenaltyWithdrawn
from credit_common.topology import declare_subscription, find_subscription
from workflow.service import WorkflowService


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


def submitted(record_ids) -> EventEnvelope:
    event = ApplicationSubmitted(
        application_id=uuid.uuid4(),
        acceptance_number=f"XF-440106-20261124-{uuid.uuid4().int % 10**6:06d}",
        record_type="penalty_publicity", subject_uscc="91440106MA59ABCD1M",
        subject_name="广州撤销测试有限公司", district_code="440106",
        submitted_at=datetime.now(UTC), record_ids=record_ids, deciding_unit_code="44010601")
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json"))


def withdrawn(record_id) -> EventEnvelope:
    event = PenaltyWithdrawn(
        withdrawal_id=uuid.uuid4(), record_id=record_id, record_type="penalty_publicity",
        decision_number="穗天市监处罚〔2026〕8号", deciding_unit_code="44010601",
        district_code="440106", subject_code="91440106MA59ABCD1M", subject_name="广州撤销测试有限公司",
        notify_phones=["13912345678"], ruling_kind="court_judgment", ruling_kind_label="法院判决",
        ruling_number="（2026）粤0106行初55号", ruling_date=date(2026, 11, 20),
        reason="判决撤销", officer_name="王审批", withdrawn_at=datetime.now(UTC))
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json"))


def deliver(amqp_uri, *envelopes):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription("intake", "application_submitted",
                                                    "workflow"))
    declare_subscription(channel, find_subscription("disclosure", "penalty_withdrawn",
                                                    "workflow"))
    for envelope in envelopes:
        channel.basic_publish(f"{envelope.source}.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()


def wait_handled(db_engine, message_ids, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        with db_engine["workflow"].connect() as conn:
            handled = conn.execute(text(
                "SELECT count(DISTINCT message_id) FROM processed_messages "
                "WHERE message_id = ANY(CAST(:m AS uuid[]))"),
                {"m": [str(m) for m in message_ids]}).scalar_one()
        if handled == len(set(map(str, message_ids))):
            return
        assert time.monotonic() < deadline, "events not handled in time"
        time.sleep(0.05)


def case_of(nameko_config, envelope) -> dict:
    with ClusterRpcProxy(nameko_config) as proxy:
        return proxy.workflow.get_case(envelope.data["acceptance_number"])


def status_events(db_engine, application_id) -> list[dict]:
    with db_engine["workflow"].connect() as conn:
        return [r[0]["data"] for r in conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = 'case_status_changed' "
            "AND body->'data'->>'application_id' = :a ORDER BY id"), {"a": str(application_id)})]


def steps(db_engine, case_id) -> list[tuple]:
    with db_engine["workflow"].connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT action, to_status, officer_name FROM case_steps WHERE case_id = :c "
            "ORDER BY id"), {"c": case_id})]


@pytest.mark.parametrize("order", ["submission first", "withdrawal first"])
def test_an_undecided_case_about_the_withdrawn_penalty_alone_ends_as_no_repair_needed_once(
        workflow, amqp_uri, db_engine, nameko_config, order):
    record_id = str(uuid.uuid4())
    submission, withdrawal = submitted([record_id]), withdrawn(record_id)
    first, second = (submission, withdrawal) if order == "submission first" else \
        (withdrawal, submission)
    deliver(amqp_uri, first)
    wait_handled(db_engine, [first.message_id])
    deliver(amqp_uri, second, withdrawal)  # and the withdrawal redelivered
    wait_handled(db_engine, [second.message_id])
    case = case_of(nameko_config, submission)
    assert (case["status"], case["status_label"]) == ("no_repair_needed", "无需修复（处罚已撤销）")
    events = [e for e in status_events(db_engine, submission.data["application_id"])
              if e["status"] == "no_repair_needed"]
    assert len(events) == 1 and "（2026）粤0106行初55号" in events[0]["note"]
    assert steps(db_engine, case["id"])[-1] == ("penalty_withdrawn", "no_repair_needed", "系统")


def test_a_case_about_several_records_goes_on_and_a_decided_one_is_left_alone(
        workflow, amqp_uri, db_engine, nameko_config):
    record_id, other = str(uuid.uuid4()), str(uuid.uuid4())
    several = submitted([record_id, other])
    deliver(amqp_uri, several)
    wait_handled(db_engine, [several.message_id])
    withdrawal = withdrawn(record_id)
    deliver(amqp_uri, withdrawal)
    wait_handled(db_engine, [withdrawal.message_id])
    case = case_of(nameko_config, several)
    assert case["status"] == "pending_acceptance"
    assert steps(db_engine, case["id"])[-1] == ("penalty_withdrawn", "pending_acceptance", "系统")
    assert not [e for e in status_events(db_engine, several.data["application_id"])
                if e["status"] == "no_repair_needed"]
