"""The ``subscribe`` entrypoint with the real broker: retries with backoff, dead-lettering,
listing and replaying dead letters, invalid envelopes, events that wait for a consumer that
is down, idempotent effects under duplicate delivery (claims made at once or later), and
events that arrive together handled in one transaction, or one by one when one of them
fails."""

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
from credit_common.nameko_ext.entrypoints import BATCH_LIMIT_CONFIG_KEY, subscribe
from credit_common.nameko_ext.observability import RequestContext
from credit_common.deferred_writes import defer
from credit_common.outbox import claim_message, claim_message_later
from credit_common.topology import Subscription, declare_subscription
from credit_common.testing import isolation
from credit_common.testing.settings import service_settings

# the shared settings, reading notification's variables: these probes use its database
ProbeSettings = service_settings("notification")

PROBE = Subscription("probe_source", "probe_event", "probe_consumer")
EFFECTS = "common_test_effects"

attempts: dict[str, int] = {}
healed: set[str] = set()


class ProbeConsumer:
    name = "probe_consumer"
    db = DatabaseSession(ProbeSettings)
    context = RequestContext()

    @subscribe("probe_source", "probe_event")
    def on_probe_event(self, envelope: EventEnvelope):
        key = envelope.data["key"]
        attempts[key] = attempts.get(key, 0) + 1
        behaviour = envelope.data["behaviour"]
        if behaviour == "fail_always" and key not in healed:
            raise RuntimeError(f"cannot handle {key}")
        if behaviour == "fail_once" and attempts[key] == 1:
            raise RuntimeError(f"first attempt at {key} fails")
        insert_effect = text(f"INSERT INTO {EFFECTS} (key, transaction_id, request_id) "
                             "VALUES (:k, txid_current(), :r)")
        values = {"k": key, "r": self.context.request_id}
        if behaviour.startswith("claim_later"):
            claim_message_later(self.db, "probe_consumer", envelope.message_id)
            if behaviour == "claim_later_at_commit":
                defer(self.db, insert_effect, values)  # claim and effect go with COMMIT
            else:
                self.db.execute(insert_effect, values)
            return
        if not claim_message(self.db, "probe_consumer", envelope.message_id):
            return
        self.db.execute(insert_effect, values)


@pytest.fixture(autouse=True)
def probe_topology(monkeypatch, amqp_uri, db_engine):
    subscriptions = (*topology.SUBSCRIPTIONS, PROBE)
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", subscriptions)
    monkeypatch.setattr(dlq, "SUBSCRIPTIONS", subscriptions, raising=False)
    with db_engine["notification"].begin() as conn:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {EFFECTS} (key text NOT NULL, "
                          "transaction_id bigint NOT NULL, request_id text)"))
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
    publish_all(amqp_uri, [body], [message_id])


def publish_all(amqp_uri, bodies: list[dict | bytes], message_ids: list[str | None]) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    for body, message_id in zip(bodies, message_ids, strict=True):
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        channel.basic_publish(PROBE.exchange, PROBE.event_type, payload, pika.BasicProperties(
            content_type="application/json", delivery_mode=2, message_id=message_id))
    connection.close()


def envelope(key: str, behaviour: str) -> dict:
    event = EventEnvelope(event_type=PROBE.event_type, source=PROBE.source,
                          data={"key": key, "behaviour": behaviour}, request_id=f"req-{key}")
    return event.model_dump(mode="json")


SENTINEL = "k-sentinel-"


def effects(db_engine) -> list[str]:
    """The keys saved, but ``settle``'s sentinels."""
    return [key for key, _, _ in effect_rows(db_engine) if not key.startswith(SENTINEL)]


def effect_rows(db_engine) -> list[tuple[str, int, str | None]]:
    """(key, the transaction that saved it, the request id the handler saw)"""
    with db_engine["notification"].connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            f"SELECT key, transaction_id, request_id FROM {EFFECTS}"))]


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def queue_depth(amqp_uri, queue) -> int:
    return dlq.queue_depths(amqp_uri, [queue])[queue]


def settle(amqp_uri, db_engine) -> None:
    """Publishes a sentinel and waits until it is saved. It fails once, so it goes through
    the first retry queue too: a delivery, a duplicate or a retry already under way when it
    was published comes back and is handled before it is."""
    key = f"{SENTINEL}{uuid.uuid4()}"
    publish(amqp_uri, envelope(key, "fail_once"))
    wait_until(lambda: any(k == key for k, _, _ in effect_rows(db_engine)))


def errors_logged(caplog) -> list[str]:
    """The lines logged as errors, but for the sentinels' planned first failure."""
    return [message for r in caplog.records
            if r.levelname == "ERROR" and SENTINEL not in (message := r.getMessage())]


@pytest.fixture
def consumer(container_factory, nameko_config):
    container = container_factory(ProbeConsumer, nameko_config)
    container.start()
    return container


@pytest.fixture
def one_by_one_consumer(container_factory, nameko_config):
    """Every delivery is one attempt of the handler (no batches to fall back from)."""
    container = container_factory(ProbeConsumer, {**nameko_config, BATCH_LIMIT_CONFIG_KEY: 1})
    container.start()
    return container


def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered_and_replayable(
        consumer, amqp_uri, db_engine):
    body = envelope("k-dead", "fail_always")
    publish(amqp_uri, body, body["message_id"])
    wait_until(lambda: queue_depth(amqp_uri, PROBE.dead_letter_queue) == 1)
    # the first try, then one per delay of the run's retry ladder
    assert attempts["k-dead"] == 1 + len(isolation.RETRY_DELAYS_MS)
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
    settle(amqp_uri, db_engine)   # a second, wrong, delivery of the replay is handled by now
    assert attempts["k-dead"] == 4
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
    wait_until(lambda: attempts.get("k-twice") == 2 and effects(db_engine) == ["k-twice"])
    settle(amqp_uri, db_engine)   # the second worker's transaction has ended by now
    assert attempts["k-twice"] == 2
    assert effects(db_engine) == ["k-twice"]


@pytest.mark.parametrize("behaviour", ["claim_later", "claim_later_at_commit"])
def test_a_duplicate_that_fails_its_later_claim_is_acked_as_handled(
        one_by_one_consumer, amqp_uri, db_engine, behaviour, caplog):
    """The second delivery's claim (sent with its next statement, or with its commit) violates
    the primary key: nothing of it is saved, and it is neither retried nor dead-lettered."""
    key = f"k-{behaviour}"
    body = envelope(key, behaviour)
    for _ in range(3):
        publish(amqp_uri, body, body["message_id"])
    wait_until(lambda: attempts.get(key) == 3 and effects(db_engine) == [key])
    settle(amqp_uri, db_engine)   # a retry of a duplicate would have come back by now
    assert attempts[key] == 3
    assert effects(db_engine) == [key]
    assert queue_depth(amqp_uri, PROBE.queue) == 0
    assert queue_depth(amqp_uri, PROBE.dead_letter_queue) == 0
    # a duplicate is the claim working, not a failing worker
    assert errors_logged(caplog) == []


def _publish_while_down(amqp_uri, bodies, message_ids=None):
    """Published before the consumer starts: the broker hands them over together."""
    publish_all(amqp_uri, bodies, message_ids or [body["message_id"] for body in bodies])
    assert queue_depth(amqp_uri, PROBE.queue) == len(bodies)


def test_events_that_arrive_together_share_one_transaction_and_keep_their_request_ids(
        container_factory, nameko_config, amqp_uri, db_engine):
    keys = [f"k-together-{n}" for n in range(10)]
    _publish_while_down(amqp_uri, [envelope(key, "claim_later_at_commit") for key in keys])
    container_factory(ProbeConsumer, nameko_config).start()
    wait_until(lambda: len(effects(db_engine)) == len(keys))
    rows = effect_rows(db_engine)
    assert sorted(key for key, _, _ in rows) == sorted(keys)
    assert len({transaction for _, transaction, _ in rows}) < len(keys), "no batch was formed"
    assert all(request_id == f"req-{key}" for key, _, request_id in rows)
    assert queue_depth(amqp_uri, PROBE.queue) == 0


def test_one_failing_event_in_a_batch_leaves_every_other_saved_once(
        container_factory, nameko_config, amqp_uri, db_engine):
    keys = [f"k-batch-{n}" for n in range(9)]
    bodies = [envelope(key, "claim_later_at_commit") for key in keys]
    bodies.insert(4, envelope("k-batch-fails", "fail_once"))
    _publish_while_down(amqp_uri, bodies)
    container_factory(ProbeConsumer, nameko_config).start()
    wait_until(lambda: len(effects(db_engine)) == len(keys) + 1)
    settle(amqp_uri, db_engine)   # a second effect, or a retry, would have come by now
    assert sorted(effects(db_engine)) == sorted([*keys, "k-batch-fails"])
    assert attempts["k-batch-fails"] == 2  # in the batch, then on its own
    assert queue_depth(amqp_uri, PROBE.queue) == 0
    assert queue_depth(amqp_uri, PROBE.dead_letter_queue) == 0


def test_the_same_event_twice_in_one_batch_has_one_effect_and_is_not_an_error(
        container_factory, nameko_config, amqp_uri, db_engine, caplog):
    bodies = [envelope(f"k-pair-{n}", "claim_later_at_commit") for n in range(5)]
    doubled = [*bodies, bodies[2], bodies[4]]
    _publish_while_down(amqp_uri, doubled)
    container_factory(ProbeConsumer, nameko_config).start()
    wait_until(lambda: len(effects(db_engine)) == len(bodies))
    settle(amqp_uri, db_engine)   # a second effect of a doubled event would have come by now
    assert sorted(effects(db_engine)) == sorted(f"k-pair-{n}" for n in range(5))
    assert queue_depth(amqp_uri, PROBE.queue) == 0
    assert queue_depth(amqp_uri, PROBE.dead_letter_queue) == 0
    assert errors_logged(caplog) == []
