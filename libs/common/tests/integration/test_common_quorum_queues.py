"""Quorum queues on the real broker: a consumer process that dies on one message (the broker
dead-letters it past the delivery limit with the reason, the other messages are handled, the
replayed message is handled once its consumer can), and the migration of classic queues
with their messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import uuid

import pika
import pytest

from credit_common import dlq, queues, topology
from credit_common.contracts.envelope import EventEnvelope
from credit_common.queues import PlatformQueue
from credit_common.topology import Subscription, declare_subscription

POISON = Subscription("poison_source", "poison_event", "poison_consumer")
LIMIT = 3

CONSUMER = textwrap.dedent('''
    import eventlet
    eventlet.monkey_patch()
    import os
    from credit_common import topology
    from credit_common.topology import Subscription
    topology.SUBSCRIPTIONS = (*topology.SUBSCRIPTIONS,
                              Subscription("poison_source", "poison_event", "poison_consumer"))
    from nameko.runners import ServiceRunner
    from credit_common.nameko_ext.entrypoints import subscribe

    class PoisonConsumer:
        name = "poison_consumer"

        @subscribe("poison_source", "poison_event")
        def on_event(self, envelope):
            if envelope.data["poison"] and not os.environ.get("POISON_HEALED"):
                os._exit(17)  # what a segfault or the OOM killer does: no ack, no cleanup
            with open(os.environ["RECORD_FILE"], "a") as record:
                record.write(envelope.data["key"] + "\\n")

    runner = ServiceRunner({"AMQP_URI": os.environ["AMQP_URI"], "max_workers": 10,
                            "serializer": "json", "EVENT_RETRY_DELAYS_MS": [100],
                            "EVENT_BATCH_LIMIT": 20,
                            "EVENT_DELIVERY_LIMIT": int(os.environ["EVENT_DELIVERY_LIMIT"])})
    runner.add_service(PoisonConsumer)
    runner.start()
    runner.wait()
''')


def wait_for(condition, timeout: float, message: str, on_each=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if on_each is not None:
            on_each()
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {message}")


def depth(amqp_uri: str, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()


def listed_queues(amqp_uri: str) -> dict[str, tuple[str, str]]:
    """name -> (type, arguments) as ``rabbitmqctl list_queues`` shows them."""
    vhost = pika.URLParameters(amqp_uri).virtual_host
    out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers",
                          "name", "type", "arguments"], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    rows = [line.split("\t") for line in out.splitlines() if line.strip()]
    return {row[0]: (row[1], row[2]) for row in rows if len(row) >= 3}


@pytest.fixture
def poison_topology(monkeypatch, amqp_uri):
    monkeypatch.setenv("EVENT_DELIVERY_LIMIT", str(LIMIT))
    subscriptions = (*topology.SUBSCRIPTIONS, POISON)
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", subscriptions)
    monkeypatch.setattr(dlq, "SUBSCRIPTIONS", subscriptions)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, POISON)
    channel.queue_purge(POISON.queue)
    channel.queue_purge(POISON.dead_letter_queue)
    connection.close()


class ConsumerProcess:
    def __init__(self, amqp_uri: str, tmp_path, healed: bool = False):
        self.script = tmp_path / "poison_consumer.py"
        self.script.write_text(CONSUMER)
        self.record = tmp_path / "handled.txt"
        self.record.touch()
        self.env = {**os.environ, "AMQP_URI": amqp_uri, "RECORD_FILE": str(self.record),
                    "EVENT_DELIVERY_LIMIT": str(LIMIT), "LOG_LEVEL": "WARNING"}
        if healed:
            self.env["POISON_HEALED"] = "1"
        self.deaths: list[int] = []
        self.process = None
        self.log = open(tmp_path / "consumer.log", "ab")

    def start(self):
        self.process = subprocess.Popen([sys.executable, str(self.script)], env=self.env,
                                        stdout=self.log, stderr=self.log)

    def restart_if_dead(self):
        code = self.process.poll()
        if code is not None:
            self.deaths.append(code)
            self.start()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def handled(self) -> set[str]:
        return set(self.record.read_text().split())


def publish_events(amqp_uri: str, events: list[dict]) -> list[str]:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    ids = []
    for data in events:
        event = EventEnvelope(event_type=POISON.event_type, source=POISON.source, data=data)
        ids.append(str(event.message_id))
        channel.basic_publish(POISON.exchange, POISON.event_type,
                              event.model_dump_json().encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   delivery_mode=2,
                                                   message_id=str(event.message_id)))
    connection.close()
    return ids


def test_a_message_that_kills_its_consumer_is_dead_lettered_past_the_limit_and_the_queue_drains(
        amqp_uri, poison_topology, tmp_path):
    innocent = [f"innocent-{n}" for n in range(30)]
    # the poison among others, so they are delivered (and given back) together with it
    events = ([{"key": k, "poison": False} for k in innocent[:10]]
              + [{"key": "poison", "poison": True}]
              + [{"key": k, "poison": False} for k in innocent[10:]])
    ids = publish_events(amqp_uri, events)
    poison_id = ids[10]

    consumer = ConsumerProcess(amqp_uri, tmp_path)
    consumer.start()
    try:
        # a consumer running again is part of the wait: its last death may come after the
        # last restart check, just before the poison is seen dead-lettered
        wait_for(lambda: depth(amqp_uri, POISON.dead_letter_queue) == 1
                 and consumer.handled() >= set(innocent)
                 and depth(amqp_uri, POISON.queue) == 0
                 and consumer.process.poll() is None,
                 90, "the poison dead-lettered, every other event handled, the consumer running",
                 on_each=consumer.restart_if_dead)
        # the broker gave the poison LIMIT + 1 times, and each time it killed the process
        assert consumer.deaths == [17] * (LIMIT + 1)
    finally:
        consumer.stop()

    dead = dlq.list_messages(amqp_uri, POISON.queue)
    assert [m["message_id"] for m in dead] == [poison_id]
    assert dead[0]["reason"].startswith("delivery_limit"), dead[0]
    assert dead[0]["original_queue"] == POISON.queue

    # once its consumer is mended, the replayed message is handled like any other
    mended = ConsumerProcess(amqp_uri, tmp_path, healed=True)
    mended.start()
    try:
        assert dlq.replay(amqp_uri, POISON.queue) == 1
        wait_for(lambda: "poison" in mended.handled(), 60, "the replayed poison handled",
                 on_each=mended.restart_if_dead)
        assert mended.deaths == []
        assert depth(amqp_uri, POISON.dead_letter_queue) == 0
    finally:
        mended.stop()

    # what the consumer declared is what topology declares: quorum, with the limit
    listed = listed_queues(amqp_uri)
    for name in (POISON.queue, POISON.dead_letter_queue, POISON.retry_queue(100)):
        assert listed[name][0] == "quorum", (name, listed[name])
    assert '{"x-delivery-limit",3}' in listed[POISON.queue][1]
    # dead-lettered through its consumer's own exchange, never the default one
    assert '"poison_consumer.redelivery"' in listed[POISON.queue][1]


def probe_queues(name: str) -> list[PlatformQueue]:
    sub = Subscription("migration_source", name, "migration_consumer")
    own = topology.redelivery_exchange(sub.consumer)
    return [PlatformQueue(sub.dead_letter_queue, topology.dead_letter_queue_arguments(),
                          redelivery=own),
            PlatformQueue(sub.queue, topology.consumer_queue_arguments(sub.queue, LIMIT),
                          ((sub.exchange, sub.event_type),), own),
            PlatformQueue(sub.retry_queue(60000),
                          topology.retry_queue_arguments(sub.queue, 60000), redelivery=own)]


def drain(channel, queue: str) -> list[tuple[str, bytes, dict]]:
    got = []
    while True:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return got
        got.append((properties.message_id, body, properties.headers or {}))


def test_classic_queues_with_messages_become_quorum_queues_with_the_same_messages(amqp_uri):
    dead_letters, main, retry = probe_queues(f"event_{uuid.uuid4().hex[:8]}")
    exchange, routing_key = main.bindings[0]
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    # as every queue was declared before: classic, no arguments (the retry queue its TTL)
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    channel.queue_declare(main.name, durable=True)
    channel.queue_bind(main.name, exchange, routing_key)
    channel.queue_declare(dead_letters.name, durable=True)
    channel.queue_declare(retry.name, durable=True, arguments={
        "x-message-ttl": 60000, "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": main.name})
    sent = {main.name: [], dead_letters.name: [], retry.name: []}
    for queue, count in ((main.name, 25), (dead_letters.name, 3), (retry.name, 2)):
        for n in range(count):
            message_id = f"{queue}-{n}"
            body = json.dumps({"n": n, "名称": "示范"}, ensure_ascii=False).encode()
            channel.basic_publish("", queue, body, pika.BasicProperties(
                delivery_mode=2, message_id=message_id, headers={"x-retry-count": n % 3}))
            sent[queue].append((message_id, body, {"x-retry-count": n % 3}))
    connection.close()

    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    assert [queues.queue_state(connection, q) for q in (dead_letters, main, retry)] == [
        "other"] * 3
    connection.close()

    changed = queues.migrate(amqp_uri, [dead_letters, main, retry])
    assert changed == {dead_letters.name: 3, main.name: 25, retry.name: 2}
    assert queues.migrate(amqp_uri, [dead_letters, main, retry]) == {}, "a second run changes nothing"

    listed = listed_queues(amqp_uri)
    for queue in (dead_letters, main, retry):
        assert listed[queue.name][0] == "quorum", (queue.name, listed[queue.name])
        assert queue.name + queues.MIGRATING_SUFFIX not in listed
    assert '{"x-delivery-limit",3}' in listed[main.name][1]
    assert queues.check(amqp_uri, [dead_letters, main, retry]) == {
        dead_letters.name: "current", main.name: "current", retry.name: "current"}

    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    # the binding came back with the queue: an event published now still reaches it
    channel.basic_publish(exchange, routing_key, b"{}", pika.BasicProperties(
        delivery_mode=2, message_id="after-migration"), mandatory=True)
    for queue in (main, dead_letters):
        got = drain(channel, queue.name)
        expected = sent[queue.name] + ([("after-migration", b"{}", {})]
                                       if queue is main else [])
        assert [(m, b) for m, b, _ in got] == [(m, b) for m, b, _ in expected]
        assert [h.get("x-retry-count") for _, _, h in got] == [
            h.get("x-retry-count") for _, _, h in expected]
    # the retry queue holds its two until their TTL (a minute) sends them on
    assert depth(amqp_uri, retry.name) == 2
    connection.close()


def test_queues_dead_lettering_through_the_default_exchange_move_to_the_redelivery_exchange(
        amqp_uri):
    dead_letters, main, retry = probe_queues(f"event_{uuid.uuid4().hex[:8]}")
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    # as the queues were declared before the redelivery exchanges: quorum, through ""
    channel.queue_declare(dead_letters.name, durable=True, arguments=dead_letters.arguments)
    for queue in (main, retry):
        channel.queue_declare(queue.name, durable=True,
                              arguments={**queue.arguments, "x-dead-letter-exchange": ""})
        for n in range(3):
            channel.basic_publish("", queue.name, b"{}", pika.BasicProperties(
                delivery_mode=2, message_id=f"{queue.name}-{n}"))
    connection.close()

    changed = queues.migrate(amqp_uri, [dead_letters, main, retry])
    assert changed == {main.name: 3, retry.name: 3}, "the dead-letter queue kept its arguments"
    assert queues.migrate(amqp_uri, [dead_letters, main, retry]) == {}
    listed = listed_queues(amqp_uri)
    for queue in (main, retry):
        assert '"migration_consumer.redelivery"' in listed[queue.name][1], listed[queue.name]

    # each queue, the unchanged dead-letter queue too, is bound under its own name
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    for queue in (dead_letters, main, retry):
        channel.basic_publish(main.redelivery, queue.name, b"{}", pika.BasicProperties(
            delivery_mode=2, message_id="redelivered"), mandatory=True)
    assert [m for m, _, _ in drain(channel, main.name)] == [
        f"{main.name}-{n}" for n in range(3)] + ["redelivered"]
    assert [m for m, _, _ in drain(channel, dead_letters.name)] == ["redelivered"]
    assert depth(amqp_uri, retry.name) == 4
    connection.close()


def test_a_migration_that_stopped_half_way_is_finished_by_the_next_run(amqp_uri):
    dead_letters, main, retry = probe_queues(f"event_{uuid.uuid4().hex[:8]}")
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    # the old queue already deleted, its messages held in the quorum holding queue
    holding = main.name + queues.MIGRATING_SUFFIX
    channel.queue_declare(dead_letters.name, durable=True,
                          arguments=topology.dead_letter_queue_arguments())
    channel.queue_declare(holding, durable=True, arguments=dict(topology.QUORUM))
    for n in range(4):
        channel.basic_publish("", holding, f"{n}".encode(),
                              pika.BasicProperties(delivery_mode=2, message_id=f"held-{n}"))
    connection.close()

    assert queues.migrate(amqp_uri, [dead_letters, main, retry]) == {main.name: 4}
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    assert [m for m, _, _ in drain(channel, main.name)] == [f"held-{n}" for n in range(4)]
    connection.close()
    assert holding not in listed_queues(amqp_uri)


def test_the_migration_refuses_a_queue_that_still_has_a_consumer(amqp_uri):
    dead_letters, main, retry = probe_queues(f"event_{uuid.uuid4().hex[:8]}")
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.queue_declare(main.name, durable=True)
    channel.basic_consume(main.name, lambda *a: None)
    try:
        with pytest.raises(queues.MigrationRefused, match="消费者"):
            queues.migrate(amqp_uri, [dead_letters, main, retry])
    finally:
        connection.close()
    assert listed_queues(amqp_uri)[main.name][0] == "classic"
    # the run's vhost is shared with the end-to-end suite, which wants no classic queue left
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    connection.channel().queue_delete(main.name)
    connection.close()


def test_platform_queues_lists_every_queue_the_declarers_declare():
    names = {q.name for q in queues.platform_queues([100, 200], LIMIT)}
    for sub in topology.SUBSCRIPTIONS:
        assert {sub.queue, sub.dead_letter_queue, sub.retry_queue(100),
                sub.retry_queue(200)} <= names
    assert {topology.INTERAGENCY_INBOUND_QUEUE,
            topology.INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE} <= names
    assert all(q.arguments["x-queue-type"] == "quorum"
               for q in queues.platform_queues([100], LIMIT))
    # each bound to, and dead-lettering into, its consumer's own redelivery exchange
    for queue in queues.platform_queues([100], LIMIT):
        own = topology.redelivery_exchange(topology.consumer_of_queue(queue.name))
        assert queue.redelivery == own, queue
        assert queue.arguments.get("x-dead-letter-exchange", own) == own, queue
