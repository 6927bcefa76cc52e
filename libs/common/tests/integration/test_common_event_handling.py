"""The ``subscribe`` entrypoint with the real broker: retries with backoff, dead-lettering,
listing and replaying dead letters, invalid envelopes, events that wait for a consumer that
is down, and idempotent effects under duplicate delivery (claims made at once or later)."""

from __future__ import annotations

import json
import time
import uuid

import pika
import pytest
from sqlalchemy import text

from credit_common import dlq, topology
from credit_common.contracts.envelope import EventEnvelope
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import subscribe
from credit_common.deferred_writes import defer
from credit_common.outbox import claim_message, claim_message_later
from credit_common.topology import Subscription, declare_subscription
from notification.config import NotificationSettings

PROBE = Subscription("probe_source", "probe_event", "probe_consumer")
EFFECTS = "common_test_effects"

attempts: dict[str, int] = {}
healed: set[str] = set()


class ProbeConsumer:
    name = "probe_consumer"
    db = DatabaseSession(NotificationSettings)

    @subscribe("probe_source", "probe_event")
    def on_probe_event(self, envelope: EventEnvelope):
        key = envelope.data["key"]
        attempts[key] = attempts.get(key, 0) + 1
        behaviour = envelope.data["behaviour"]
        if behaviour == "fail_always" and key not in healed:
            raise RuntimeError(f"cannot handle {key}")
        if behaviour == "fail_once" and attempts[key] == 1:
            raise RuntimeError(f"first attempt at {key} fails")
        insert_effect = text(f"INSERT INTO {EFFECTS} (key) VALUES (:k)")
        if behaviour.startswith("claim_later"):
            claim_message_later(self.db, "probe_consumer", envelope.message_id)
            if behaviour == "claim_later_at_commit":
                defer(self.db, insert_effect, {"k": key})  # claim and effect go with COMMIT
            else:
                self.db.execute(insert_effect, {"k": key})
            return
        if not claim_message(self.db, "probe_consumer", envelope.message_id):
            return
        self.db.execute(insert_effect, {"k": key})


@pytest.fixture(autouse=True)
def probe_topology(monkeypatch, amqp_uri, db_engine):
    subscriptions = (*topology.SUBSCRIPTIONS, PROBE)
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", subscriptions)
    monkeypatch.setattr(dlq, "SUBSCRIPTIONS", subscriptions, raising=False)
    with db_engine["notification"].begin() as conn:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {EFFECTS} (key text NOT NULL)"))
        conn.execute(text(f"TRUNCATE {EFFECTS}"))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, PROBE)
    channel.queue_purge(PROBE.queue)
    channel.queue_purge(PROBE.dead_letter_queue)
    connection.close()
    attempts.clear()
    healed.clear()


def publish(amqp_uri, body: dict | bytes, message_id: str | None = None) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    channel.basic_publish(PROBE.exchange, PROBE.event_type, payload, pika.BasicProperties(
        content_type="application/json", delivery_mode=2, message_id=message_id))
    connection.close()


def envelope(key: str, behaviour: str) -> dict:
    event = EventEnvelope(event_type=PROBE.event_type, source=PROBE.source,
                          data={"key": key, "behaviour": behaviour})
    return event.model_dump(mode="json")


def effects(db_engine) -> list[str]:
    with db_engine["notification"].connect() as conn:
        return [r[0] for r in conn.execute(text(f"SELECT key FROM {EFFECTS}"))]


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def queue_depth(amqp_uri, queue) -> int:
    return dlq.queue_depths(amqp_uri, [queue])[queue]


@pytest.fixture
def consumer(container_factory, nameko_config):
    container = container_factory(ProbeConsumer, nameko_config)
    container.start()
    return container


def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered_and_replayable(
        consumer, amqp_uri, db_engine):
    body = envelope("k-dead", "fail_always")
    publish(amqp_uri, body, body["message_id"])
    wait_until(lambda: queue_depth(amqp_uri, PROBE.dead_letter_queue) == 1)
    assert attempts["k-dead"] == 3  # the first try and one per delay in [100, 200] ms
    assert effects(db_engine) == []

    [listed] = dlq.list_messages(amqp_uri, PROBE.dead_letter_queue)
    assert listed["message_id"] == body["message_id"]
    assert listed["original_queue"] == PROBE.queue
    assert "cannot handle k-dead" in listed["reason"]
    assert queue_depth(amqp_uri, PROBE.dead_letter_queue) == 1, "listing must not consume"

    healed.add("k-dead")
    assert dlq.replay(amqp_uri, PROBE.dead_letter_queue) == 1
    wait_until(lambda: effects(db_engine) == ["k-dead"])
    assert queue_depth(amqp_uri, PROBE.dead_letter_queue) == 0
    time.sleep(0.3)  # a second, wrong, delivery would show up within the retry delays
    assert effects(db_engine) == ["k-dead"]


def test_a_handler_that_fails_once_succeeds_on_its_retry(consumer, amqp_uri, db_engine):
    publish(amqp_uri, envelope("k-once", "fail_once"))
    wait_until(lambda: effects(db_engine) == ["k-once"])
    assert attempts["k-once"] == 2
    assert queue_depth(amqp_uri, PROBE.dead_letter_queue) == 0


def test_an_invalid_envelope_is_dead_lettered_at_once(consumer, amqp_uri):
    publish(amqp_uri, b'{"not": "an envelope"}', str(uuid.uuid4()))
    wait_until(lambda: queue_depth(amqp_uri, PROBE.dead_letter_queue) == 1)
    [listed] = dlq.list_messages(amqp_uri, PROBE.dead_letter_queue)
    assert listed["reason"].startswith("invalid envelope")
    assert attempts == {}


def test_an_event_published_while_its_consumer_is_down_waits_for_it(
        container_factory, nameko_config, amqp_uri, db_engine):
    publish(amqp_uri, envelope("k-waited", "ok"))
    assert queue_depth(amqp_uri, PROBE.queue) == 1
    container_factory(ProbeConsumer, nameko_config).start()
    wait_until(lambda: effects(db_engine) == ["k-waited"])


def test_the_same_event_delivered_twice_has_one_effect(consumer, amqp_uri, db_engine):
    body = envelope("k-twice", "ok")
    publish(amqp_uri, body, body["message_id"])
    publish(amqp_uri, body, body["message_id"])
    wait_until(lambda: attempts.get("k-twice") == 2)
    time.sleep(0.2)  # let the second worker's transaction end
    assert effects(db_engine) == ["k-twice"]


@pytest.mark.parametrize("behaviour", ["claim_later", "claim_later_at_commit"])
def test_a_duplicate_that_fails_its_later_claim_is_acked_as_handled(
        consumer, amqp_uri, db_engine, behaviour, caplog):
    """The second delivery's claim (sent with its next statement, or with its commit) violates
    the primary key: nothing of it is saved, and it is neither retried nor dead-lettered."""
    key = f"k-{behaviour}"
    body = envelope(key, behaviour)
    for _ in range(3):
        publish(amqp_uri, body, body["message_id"])
    wait_until(lambda: attempts.get(key) == 3)
    time.sleep(0.5)  # a retry would come back within the delays of [100, 200] ms
    assert attempts[key] == 3
    assert effects(db_engine) == [key]
    assert queue_depth(amqp_uri, PROBE.queue) == 0
    assert queue_depth(amqp_uri, PROBE.dead_letter_queue) == 0
    # a duplicate is the claim working, not a failing worker
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
