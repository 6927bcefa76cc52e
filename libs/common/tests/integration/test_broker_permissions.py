"""The broker users on the real RabbitMQ: each service can set up and use exactly its part
of the topology; no service reads another's queues or calls another; the gateway only
calls; a partner agency only publishes its own routing keys (records, or for the publicity
system filings) on ``interagency`` under its own user_id
(that the inbound consumer accepts such a message: services/disclosure/tests/integration/
test_disclosure_inbound_bus.py); no service writes on the default exchange, and each puts
retries and dead letters into its own queues only, through its own redelivery exchange.
Publishes use confirms, so a refusal surfaces at the publish that caused it."""

from __future__ import annotations

import time
import uuid

import pika
import pytest

from credit_common import queues
from credit_common.broker_users import GATEWAY, SERVICES, partner_uri
from credit_common.reference.partner_agencies import partner_of_agency
from credit_common.testing import isolation
from credit_common.topology import (INTERAGENCY_EXCHANGE,
                                    INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE,
                                    INTERAGENCY_INBOUND_QUEUE, RPC_EXCHANGE,
                                    consumer_of_queue, consumer_queue_arguments,
                                    declare_interagency_inbound, declare_subscription,
                                    ensure_subscription, events_exchange, find_subscription,
                                    redelivery_exchange, rpc_queue, subscriptions_from,
                                    subscriptions_of)

ACCESS_REFUSED, PRECONDITION_FAILED = 403, 406


@pytest.fixture
def connect(test_run_id, amqp_uri):
    opened = []

    def login(uri: str) -> pika.BlockingConnection:
        connection = pika.BlockingConnection(pika.URLParameters(uri))
        opened.append(connection)
        return connection

    def as_process(process: str) -> pika.BlockingConnection:
        return login(isolation.amqp_uri_template(test_run_id).format(service=process))

    def as_partner(agency: str) -> pika.BlockingConnection:
        return login(partner_uri(amqp_uri, agency))

    yield as_process, as_partner
    for connection in opened:
        if connection.is_open:
            connection.close()


@pytest.fixture
def purge(amqp_uri):
    def empty(queue: str) -> None:
        connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        connection.channel().queue_purge(queue)
        connection.close()

    return empty


@pytest.fixture(scope="module")
def topology(amqp_uri):
    """What a running platform has declared: every queue and exchange the tests touch."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    for service in SERVICES:
        channel.exchange_declare(events_exchange(service), "topic", durable=True)
        for sub in subscriptions_from(service):
            declare_subscription(channel, sub)
    channel.exchange_declare(RPC_EXCHANGE, "topic", durable=True)
    channel.exchange_declare(INTERAGENCY_EXCHANGE, "topic", durable=True)
    for service in SERVICES:
        channel.queue_declare(rpc_queue(service), durable=True)
    declare_interagency_inbound(channel)
    connection.close()


def confirmed(connection: pika.BlockingConnection):
    channel = connection.channel()
    channel.confirm_delivery()
    return channel


def refused(code: int, action) -> str:
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as raised:
        action()
    assert raised.value.reply_code == code, raised.value.reply_text
    return raised.value.reply_text


def own_platform_queues(service: str) -> list[queues.PlatformQueue]:
    """What ``make queues`` declares of ``service``'s (the run's retry ladder): its consumer,
    retry and dead-letter queues, each bound to its redelivery exchange."""
    return [q for q in queues.platform_queues(isolation.RETRY_DELAYS_MS)
            if consumer_of_queue(q.name) == service]


def drain_one(channel, queue: str, body: bytes, deadline_s: float = 10) -> None:
    """Wait until ``body`` is in ``queue`` and take it (other messages are left)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        method, _, got = channel.basic_get(queue, auto_ack=False)
        if method is not None:
            if got == body:
                channel.basic_ack(method.delivery_tag)
                return
            channel.basic_nack(method.delivery_tag, requeue=True)
        time.sleep(0.05)
    raise AssertionError(f"{body!r} not in {queue} within {deadline_s} s")


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_sets_up_and_uses_its_part_of_the_topology(connect, topology, service):
    as_process, _ = connect
    connection = as_process(service)
    channel = confirmed(connection)
    # Nameko's RPC consumer, its replies and the relay's publishing
    channel.exchange_declare(RPC_EXCHANGE, "topic", durable=True)
    channel.queue_declare(rpc_queue(service), durable=True)
    channel.queue_bind(rpc_queue(service), RPC_EXCHANGE, f"{service}.*")
    channel.basic_publish(RPC_EXCHANGE, str(uuid.uuid4()), b"{}")
    channel.exchange_declare(events_exchange(service), "topic", durable=True)
    channel.basic_publish(events_exchange(service), "permissions.probe", b"{}")
    for sub in subscriptions_from(service):  # the relay finds its consumers' queues
        assert ensure_subscription(connection, sub), sub.queue
    # its event handlers: each queue as topology declares it (dead-lettering into its own
    # redelivery exchange) and bound to that exchange; consuming; make dlq's reading
    for queue in own_platform_queues(service):
        queues._declare(channel, queue)
    for sub in subscriptions_of(service):
        channel.basic_cancel(channel.basic_consume(sub.queue, lambda *_: None))
        channel.basic_get(sub.dead_letter_queue)  # what make dlq does; nothing there
    # a dead letter, and a retry that expires back into its queue, each through its own
    # redelivery exchange only
    redelivery = redelivery_exchange(service)
    for queue in own_platform_queues(service):
        body = f"probe-{uuid.uuid4()}".encode()
        if queue.name.endswith(".dlq"):
            channel.basic_publish(redelivery, queue.name, body, mandatory=True)
            drain_one(channel, queue.name, body)
        elif ".retry." in queue.name and queue.arguments["x-message-ttl"] <= 5000:
            channel.basic_publish(redelivery, queue.name, body, mandatory=True)
            drain_one(channel, queue.arguments["x-dead-letter-routing-key"], body,
                      queue.arguments["x-message-ttl"] / 1000 + 10)
    channel.basic_cancel(channel.basic_consume(rpc_queue(service), lambda *_: None))
    if service == "disclosure":
        declare_interagency_inbound(channel)  # what the inbound consumer declares
        channel.basic_publish(INTERAGENCY_EXCHANGE, "record.publicity_changed.v1", b"{}")


@pytest.mark.parametrize("process", [*SERVICES, GATEWAY])
def test_no_process_may_publish_on_the_default_exchange(connect, topology, process):
    as_process, _ = connect
    # a fake call into rpc-workflow, an event into another service's queue
    for queue in (rpc_queue("workflow"), find_subscription("intake", "application_submitted",
                                                           "workflow").queue):
        text = refused(ACCESS_REFUSED, lambda queue=queue: confirmed(
            as_process(process)).basic_publish("", queue, b"{}"))
        assert "amq.default" in text


def test_a_service_cannot_use_another_services_redelivery_exchange(connect, topology):
    as_process, _ = connect
    intake = as_process("intake")
    target = find_subscription("intake", "application_submitted", "workflow")
    for key in (target.queue, target.dead_letter_queue):
        text = refused(ACCESS_REFUSED, lambda key=key: confirmed(intake).basic_publish(
            redelivery_exchange("workflow"), key, b"{}"))
        assert redelivery_exchange("workflow") in text
    own = find_subscription("workflow", "case_opened", "intake")
    # nor bind its own queue there, nor declare a queue that dead-letters into it
    refused(ACCESS_REFUSED, lambda: intake.channel().queue_bind(
        own.queue, redelivery_exchange("workflow"), own.queue))
    refused(ACCESS_REFUSED, lambda: intake.channel().queue_declare(
        own.retry_queue(7), durable=True, arguments={
            "x-queue-type": "quorum", "x-message-ttl": 7,
            "x-dead-letter-exchange": redelivery_exchange("workflow"),
            "x-dead-letter-routing-key": target.queue}))
    # a relay may not declare its consumer's queue (it dead-letters into the consumer's)
    refused(ACCESS_REFUSED, lambda: intake.channel().queue_declare(
        target.queue, durable=True, arguments=consumer_queue_arguments(target.queue)))


def test_a_service_user_cannot_consume_another_services_queue(connect, topology):
    as_process, _ = connect
    workflow = as_process("workflow")
    intake_queue = find_subscription("workflow", "case_opened", "intake").queue
    text = refused(ACCESS_REFUSED, lambda: workflow.channel().basic_consume(
        intake_queue, lambda *_: None))
    assert intake_queue in text and "credit-workflow" in text
    refused(ACCESS_REFUSED, lambda: workflow.channel().basic_get(rpc_queue("intake")))
    refused(ACCESS_REFUSED, lambda: workflow.channel().basic_get(INTERAGENCY_INBOUND_QUEUE))
    refused(ACCESS_REFUSED, lambda: as_process("notification").channel().basic_get(
        find_subscription("intake", "application_submitted", "workflow").dead_letter_queue))


def test_a_service_calls_only_what_the_topology_lists_and_takes_no_others_calls(
        connect, topology, purge):
    as_process, _ = connect
    intake = as_process("intake")
    # its one call (topology.RPC_CALLS), with the reply queue Nameko's RpcProxy makes
    channel = confirmed(intake)
    reply_to = str(uuid.uuid4())
    queue = f"rpc.reply-intake-{reply_to}"
    channel.queue_declare(queue, exclusive=True, auto_delete=True)
    channel.queue_bind(queue, RPC_EXCHANGE, reply_to)
    channel.basic_publish(RPC_EXCHANGE, "workflow.administrator", b'{"args": [], "kwargs": {}}',
                          pika.BasicProperties(reply_to=reply_to, correlation_id="probe",
                                               content_type="application/json"))
    purge(rpc_queue("workflow"))  # no later test's workflow may find this call
    refused(ACCESS_REFUSED, lambda: confirmed(intake).basic_publish(
        RPC_EXCHANGE, "workflow.get_case", b"{}"))
    refused(ACCESS_REFUSED, lambda: confirmed(as_process("notification")).basic_publish(
        RPC_EXCHANGE, "workflow.administrator", b"{}"))
    refused(ACCESS_REFUSED, lambda: intake.channel().queue_bind(
        rpc_queue("intake"), RPC_EXCHANGE, "workflow.*"))
    refused(ACCESS_REFUSED, lambda: confirmed(intake).basic_publish(
        events_exchange("workflow"), "case_opened", b"{}"))


def test_the_gateway_calls_services_and_nothing_else(connect, topology, purge):
    as_process, _ = connect
    gateway = as_process("gateway")
    channel = confirmed(gateway)
    reply_to = str(uuid.uuid4())
    queue = f"rpc.reply-gateway-{reply_to}"
    channel.queue_declare(queue, exclusive=True, auto_delete=True)
    channel.queue_bind(queue, RPC_EXCHANGE, reply_to)
    channel.basic_publish(RPC_EXCHANGE, "intake.health", b'{"args": [], "kwargs": {}}',
                          pika.BasicProperties(reply_to=reply_to, correlation_id="probe",
                                               content_type="application/json"))
    purge(rpc_queue("intake"))  # no later test's intake may find this call
    refused(ACCESS_REFUSED, lambda: gateway.channel().queue_bind(queue, RPC_EXCHANGE,
                                                                  "intake.*"))
    refused(ACCESS_REFUSED, lambda: gateway.channel().basic_get(rpc_queue("intake")))
    refused(ACCESS_REFUSED, lambda: confirmed(gateway).basic_publish(
        events_exchange("intake"), "application_submitted", b"{}"))
    refused(ACCESS_REFUSED, lambda: confirmed(gateway).basic_publish(
        INTERAGENCY_EXCHANGE, "record.upserted.v1", b"{}"))


def test_a_partner_publishes_records_under_its_own_user_and_nothing_more(connect, topology):
    _, as_partner = connect
    partner = as_partner("gz-env")
    own = partner_of_agency("gz-env").broker_user
    text = refused(PRECONDITION_FAILED, lambda: confirmed(partner).basic_publish(
        INTERAGENCY_EXCHANGE, "record.upserted.v1", b"{}",
        pika.BasicProperties(user_id=partner_of_agency("gz-tax").broker_user)))
    assert "user_id" in text
    refused(ACCESS_REFUSED, lambda: confirmed(partner).basic_publish(
        INTERAGENCY_EXCHANGE, "record.publicity_changed.v1", b"{}",
        pika.BasicProperties(user_id=own)))
    refused(ACCESS_REFUSED, lambda: confirmed(partner).basic_publish(
        events_exchange("intake"), "application_submitted", b"{}"))
    refused(ACCESS_REFUSED, lambda: confirmed(partner).basic_publish(
        RPC_EXCHANGE, "disclosure.health", b"{}"))
    refused(ACCESS_REFUSED, lambda: confirmed(partner).basic_publish(
        "", INTERAGENCY_INBOUND_QUEUE, b"{}", pika.BasicProperties(user_id=own)))
    for queue in (rpc_queue("intake"), INTERAGENCY_INBOUND_QUEUE,
                  INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE):
        refused(ACCESS_REFUSED, lambda queue=queue: partner.channel().basic_get(queue))
    refused(ACCESS_REFUSED, lambda: partner.channel().queue_declare(f"partner-{uuid.uuid4()}"))


def test_only_the_publicity_system_publishes_filings(connect, topology, purge):
    _, as_partner = connect
    system = as_partner("gd-gsxt")
    own = partner_of_agency("gd-gsxt").broker_user
    for key in ("annual_report.filed.v1", "instant_info.published.v1"):
        confirmed(system).basic_publish(INTERAGENCY_EXCHANGE, key, b"{}",
                                        pika.BasicProperties(user_id=own))
    purge(INTERAGENCY_INBOUND_QUEUE)  # no consumer of a later test may find them
    for key in ("record.upserted.v1", "record.publicity_changed.v1"):
        refused(ACCESS_REFUSED, lambda key=key: confirmed(system).basic_publish(
            INTERAGENCY_EXCHANGE, key, b"{}", pika.BasicProperties(user_id=own)))
    environment = as_partner("gz-env")
    refused(ACCESS_REFUSED, lambda: confirmed(environment).basic_publish(
        INTERAGENCY_EXCHANGE, "annual_report.filed.v1", b"{}",
        pika.BasicProperties(user_id=partner_of_agency("gz-env").broker_user)))


def test_dlq_replay_as_the_service_user_goes_back_through_its_own_exchange_only(
        test_run_id, amqp_uri, topology):
    from credit_common import dlq

    workflow_uri = isolation.amqp_uri_template(test_run_id).format(service="workflow")
    sub = find_subscription("intake", "application_submitted", "workflow")
    forged = find_subscription("workflow", "case_opened", "intake").queue
    admin = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = admin.channel()
    channel.confirm_delivery()
    channel.queue_purge(sub.dead_letter_queue)
    body = f"replayed-{uuid.uuid4()}".encode()
    channel.basic_publish("", sub.dead_letter_queue, body, pika.BasicProperties(
        delivery_mode=2, message_id="replayed", headers={"x-original-queue": sub.queue}))
    assert dlq.replay(workflow_uri, sub.dead_letter_queue, service="workflow") == 1
    drain_one(channel, sub.queue, body)
    # a header naming another service's queue routes nowhere, and the message stays
    channel.basic_publish("", sub.dead_letter_queue, body, pika.BasicProperties(
        delivery_mode=2, message_id="forged", headers={"x-original-queue": forged}))
    with pytest.raises(pika.exceptions.UnroutableError):
        dlq.replay(workflow_uri, sub.dead_letter_queue, service="workflow")
    drain_one(channel, sub.dead_letter_queue, body)
    admin.close()
