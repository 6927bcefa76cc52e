"""WorkflowService in a real container: one case per submitted application."""

import json
import time
import uuid
from datetime import datetime, UTC

import pika
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted, ApplicationWithdrawn
from credit_common.topology import declare_subscription, find_subscription
from workflow.service import WorkflowService


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


def submitted_envelope(application_id=None, number=None) -> EventEnvelope:
    event = ApplicationSubmitted(
        application_id=application_id or uuid.uuid4(),
        acceptance_number=number or f"XF-440106-20261124-{uuid.uuid4().int % 10**6:06d}",
        record_type="penalty_publicity", subject_uscc="91440106MA59ABCD1M",
        subject_name="广州流程测试有限公司", district_code="440106",
        submitted_at=datetime.now(UTC))
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json"))


def withdrawn_envelope(submitted: EventEnvelope) -> EventEnvelope:
    event = ApplicationWithdrawn(
        application_id=submitted.data["application_id"],
        acceptance_number=submitted.data["acceptance_number"],
        withdrawn_at=datetime.now(UTC), reason="不再申请")
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json"))


def deliver(amqp_uri, *envelopes):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    for event_type in ("application_submitted", "application_withdrawn"):
        declare_subscription(channel, find_subscription("intake", event_type, "workflow"))
    for envelope in envelopes:
        channel.basic_publish("intake.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()


def counts(db_engine, application_id):
    with db_engine["workflow"].connect() as conn:
        cases = conn.execute(text("SELECT count(*) FROM cases WHERE application_id = :a"),
                             {"a": str(application_id)}).scalar_one()
        opened = conn.execute(text(
            "SELECT count(*) FROM outbox WHERE routing_key = 'case_opened' "
            "AND body->'data'->>'application_id' = :a"), {"a": str(application_id)}).scalar_one()
    return cases, opened


def wait_handled(db_engine, message_ids, timeout=10):
    """Until workflow has claimed every message: its effects committed with the claim."""
    deadline = time.monotonic() + timeout
    while True:
        with db_engine["workflow"].connect() as conn:
            handled = conn.execute(text(
                "SELECT count(DISTINCT message_id) FROM processed_messages "
                "WHERE message_id = ANY(CAST(:m AS uuid[]))"
            ), {"m": [str(m) for m in message_ids]}).scalar_one()
        if handled == len(set(map(str, message_ids))):
            return
        assert time.monotonic() < deadline, "events not handled in time"
        time.sleep(0.05)


def settle(amqp_uri, db_engine):
    """Delivers a sentinel submission behind everything delivered so far and waits until it
    is handled: a duplicate delivered before it has been handled by then."""
    sentinel = submitted_envelope()
    deliver(amqp_uri, sentinel)
    wait_handled(db_engine, [sentinel.message_id])


def test_health(workflow, nameko_config):
    with ClusterRpcProxy(nameko_config) as proxy:
        assert proxy.workflow.health()["ok"] is True


def test_a_submitted_application_gets_one_case_and_one_case_opened(workflow, amqp_uri,
                                                                    db_engine, nameko_config):
    envelope = submitted_envelope()
    deliver(amqp_uri, envelope)
    wait_handled(db_engine, [envelope.message_id])
    assert counts(db_engine, envelope.data["application_id"]) == (1, 1)
    with ClusterRpcProxy(nameko_config) as proxy:
        case = proxy.workflow.get_case(envelope.data["acceptance_number"])
    assert case["status"] == "pending_acceptance"
    assert case["application_id"] == envelope.data["application_id"]


def test_duplicates_and_re_announcements_still_give_one_case(workflow, amqp_uri, db_engine):
    first = submitted_envelope()
    re_announced = submitted_envelope(uuid.UUID(first.data["application_id"]),
                                      first.data["acceptance_number"])
    deliver(amqp_uri, first, first, re_announced)
    wait_handled(db_engine, [first.message_id, re_announced.message_id])
    settle(amqp_uri, db_engine)
    assert counts(db_engine, first.data["application_id"]) == (1, 1)


def test_an_unknown_case_is_not_found(workflow, nameko_config):
    with ClusterRpcProxy(nameko_config) as proxy:
        with pytest.raises(RemoteError) as raised:
            proxy.workflow.get_case("XF-000000-20260101-000000")
    assert raised.value.exc_type == "NotFound"


def wait_for_case_status(nameko_config, number, status, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        with ClusterRpcProxy(nameko_config) as proxy:
            try:
                case = proxy.workflow.get_case(number)
            except RemoteError:
                case = None
        if case is not None and case["status"] == status:
            return case
        assert time.monotonic() < deadline, case and case["status"]
        time.sleep(0.05)


@pytest.mark.parametrize("withdrawal_first", [True, False], ids=["withdrawn-first",
                                                                 "submitted-first"])
def test_a_withdrawal_and_its_submission_in_either_order_leave_the_case_withdrawn(
        workflow, amqp_uri, db_engine, nameko_config, withdrawal_first):
    submitted = submitted_envelope()
    withdrawn = withdrawn_envelope(submitted)
    if withdrawal_first:
        deliver(amqp_uri, withdrawn)
        wait_handled(db_engine, [withdrawn.message_id])
        deliver(amqp_uri, submitted)
    else:
        deliver(amqp_uri, submitted)
        wait_for_case_status(nameko_config, submitted.data["acceptance_number"],
                             "pending_acceptance")
        deliver(amqp_uri, withdrawn)
    wait_for_case_status(nameko_config, submitted.data["acceptance_number"], "withdrawn")
    assert counts(db_engine, submitted.data["application_id"]) == (1, 1)
    with db_engine["workflow"].connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM early_withdrawals WHERE "
                                 "application_id = :a"),
                            {"a": submitted.data["application_id"]}).scalar_one()
    assert left == 0
