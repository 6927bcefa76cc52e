"""The outbox relay as a real process: rows committed in the outbox are published in a
broker transaction and marked sent, a commit wakes it without waiting for its poll, and two relays
running at once both publish, each row exactly once. In process: a batch keeps its order, bodies
and ids, and a batch the broker did not commit stays pending."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import time
from typing import ClassVar

import pika
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from credit_common.contracts.events import Event
from credit_common.outbox import add_to_outbox
from credit_common.relay import Relay
from credit_common.testing import isolation
from credit_common.testing.settings import service_settings

QUEUE = "common-test--notification.relay_probe"


class RelayProbe(Event):
    event_type: ClassVar[str] = "relay_probe"
    source: ClassVar[str] = "notification"

    n: int


@pytest.fixture
def probe_queue(amqp_uri, db_engine):
    with db_engine["notification"].begin() as conn:
        conn.execute(text("DELETE FROM outbox"))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.exchange_declare("notification.events", "topic", durable=True)
    channel.queue_declare(QUEUE, durable=True)
    channel.queue_bind(QUEUE, "notification.events", "relay_probe")
    channel.queue_purge(QUEUE)
    yield channel
    channel.queue_delete(QUEUE)
    connection.close()


@pytest.fixture
def start_relay(test_run_id, tmp_path):
    """Starts ``python -m notification relay``; its log (at DEBUG: a line for every batch it
    published) is the process's ``log_path``."""
    processes = []

    def start(poll_interval_s: float = 30.0, batch_size: int = 50):
        env = {**os.environ, **isolation.environment(test_run_id),
               "RELAY_POLL_INTERVAL_S": str(poll_interval_s),
               "RELAY_BATCH_SIZE": str(batch_size), "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json"}
        log_path = tmp_path / f"relay-{len(processes)}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "notification", "relay"],
                                       env=env, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = log_path
        processes.append(process)
        return process

    yield start
    for process in processes:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, as the platform stops a relay: it finishes its batch and exits."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def published_by(process: subprocess.Popen) -> int:
    """The rows a stopped relay published, from its log's lines for each batch."""
    lines = pathlib.Path(process.log_path).read_text(errors="replace").splitlines()
    batches = [json.loads(line) for line in lines if '"relay published"' in line]
    return sum(batch["count"] for batch in batches if batch.get("event") == "relay published")


@pytest.fixture
def relays_listening(database_urls):
    """Waits until ``count`` relays listen for the outbox's NOTIFY (asked as the role they
    connect as, which alone may read their sessions' last statement)."""
    engine = create_engine(database_urls["notification"])

    def wait(count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with engine.connect() as conn:
                listening = conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = 'relay-listen' AND query LIKE 'LISTEN %'")
                ).scalar_one()
            if listening >= count:
                return
            assert time.monotonic() < deadline, f"{listening} of {count} relays listening"
            time.sleep(0.05)

    yield wait
    engine.dispose()


def stage(db_engine, numbers) -> None:
    with Session(db_engine["notification"]) as session, session.begin():
        for n in numbers:
            add_to_outbox(session, RelayProbe(n=n))


def drain(channel) -> list[tuple[str, bytes]]:
    messages = []
    while True:
        method, properties, body = channel.basic_get(QUEUE, auto_ack=True)
        if method is None:
            return messages
        messages.append((properties.message_id, body))


def collect(channel, expected: int, timeout: float) -> list[tuple[str, bytes]]:
    """What arrived until ``expected`` messages had, or the deadline passed; a duplicate can
    still come after: stop the publishers, then ``drain``."""
    messages = []
    deadline = time.monotonic() + timeout
    while len(messages) < expected and time.monotonic() < deadline:
        messages += drain(channel)
        time.sleep(0.05)
    return messages


def pending(db_engine) -> int:
    with db_engine["notification"].connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar()


def test_a_commit_wakes_the_relay_which_publishes_and_marks_rows_sent(
        probe_queue, start_relay, relays_listening, db_engine):
    relay = start_relay(poll_interval_s=30)
    relays_listening(1)
    stage(db_engine, range(5))
    messages = collect(probe_queue, 5, timeout=5)  # far less than the 30 s poll interval
    assert len(messages) == 5
    stop(relay)                                    # whatever it would publish more is out now
    messages += drain(probe_queue)
    assert len(messages) == 5
    assert published_by(relay) == 5
    assert pending(db_engine) == 0
    with db_engine["notification"].connect() as conn:
        ids = {str(r[0]) for r in conn.execute(text("SELECT message_id FROM outbox"))}
    assert {m for m, _ in messages} == ids


def test_two_relays_both_publish_and_each_row_exactly_once(probe_queue, start_relay,
                                                           relays_listening, db_engine):
    # both listening before the rows commit, and batches small enough to share: both work
    relays = [start_relay(poll_interval_s=0.2, batch_size=10) for _ in range(2)]
    relays_listening(2)
    stage(db_engine, range(200))
    messages = collect(probe_queue, 200, timeout=30)
    for relay in relays:
        stop(relay)
    messages += drain(probe_queue)
    message_ids = [m for m, _ in messages]
    assert len(message_ids) == 200, f"{len(message_ids)} published for 200 rows"
    assert len(set(message_ids)) == 200
    assert pending(db_engine) == 0
    counts = [published_by(relay) for relay in relays]
    assert all(counts) and sum(counts) == 200, f"published by each relay: {counts}"


@pytest.fixture
def relay(db_engine, test_run_id, monkeypatch):
    for name, value in isolation.environment(test_run_id).items():
        monkeypatch.setenv(name, value)
    # the shared settings, reading notification's variables: the probes use its outbox
    relay = Relay(service_settings("notification")())
    yield relay
    relay._close_broker()
    relay._close_db()


def test_the_relay_prunes_rows_sent_before_the_retention_and_keeps_the_rest(
        relay, db_engine, monkeypatch):
    monkeypatch.setattr(relay.settings, "outbox_retention_days", 7.0)
    with db_engine["notification"].begin() as conn:
        conn.execute(text("DELETE FROM outbox"))
        conn.execute(text(
            "INSERT INTO outbox (message_id, exchange, routing_key, body, sent_at) "
            "SELECT gen_random_uuid(), 'notification.events', 'relay_probe', '{}', "
            "now() - make_interval(days => d) FROM unnest(ARRAY[10, 8, 1]) AS d"))
        # never sent, however old: the relay still owes it to the broker
        conn.execute(text(
            "INSERT INTO outbox (message_id, exchange, routing_key, body, created_at) "
            "VALUES (gen_random_uuid(), 'notification.events', 'relay_probe', '{}', "
            "now() - interval '30 days')"))
    assert relay.prune_sent() == 2
    assert relay.prune_sent() == 0
    with db_engine["notification"].connect() as conn:
        left = conn.execute(text(
            "SELECT sent_at IS NULL AS pending, extract(day FROM now() - "
            "coalesce(sent_at, created_at))::int AS age FROM outbox ORDER BY 1, 2")).all()
    assert [tuple(r) for r in left] == [(False, 1), (True, 30)]


def stage_with_request_ids(db_engine, numbers) -> None:
    with Session(db_engine["notification"]) as session, session.begin():
        for n in numbers:
            add_to_outbox(session, RelayProbe(n=n), request_id=f"req-{n}")


def test_a_batch_goes_out_in_commit_order_with_bodies_ids_and_request_ids(
        probe_queue, relay, db_engine):
    stage_with_request_ids(db_engine, range(30))
    assert relay.publish_batch() == 30
    received = []
    while True:
        method, properties, body = probe_queue.basic_get(QUEUE, auto_ack=True)
        if method is None:
            break
        received.append((properties, json.loads(body)))
    assert [b["data"]["n"] for _, b in received] == list(range(30))
    with db_engine["notification"].connect() as conn:
        ids = [str(r[0]) for r in conn.execute(text("SELECT message_id FROM outbox ORDER BY id"))]
    assert [p.message_id for p, _ in received] == ids
    assert [b["message_id"] for _, b in received] == ids
    assert all(p.headers == {"nameko.request_id": f"req-{b['data']['n']}"}
               and p.delivery_mode == 2 and p.content_type == "application/json"
               for p, b in received)
    assert pending(db_engine) == 0


def test_a_batch_the_broker_did_not_commit_stays_pending_and_goes_out_once_later(
        probe_queue, relay, db_engine, monkeypatch):
    stage(db_engine, range(10))
    relay._connect_broker()
    channel = relay._channel

    def connection_lost_before_commit_ok():
        relay._amqp.close()
        raise pika.exceptions.AMQPConnectionError("connection lost")

    monkeypatch.setattr(channel, "tx_commit", connection_lost_before_commit_ok)
    with pytest.raises(pika.exceptions.AMQPConnectionError):
        relay.publish_batch()
    assert pending(db_engine) == 10
    assert drain(probe_queue) == []
    relay._close_broker()
    assert relay.publish_batch() == 10       # committed by the broker when it returns
    message_ids = [m for m, _ in drain(probe_queue)]
    assert len(message_ids) == len(set(message_ids)) == 10
    assert pending(db_engine) == 0


def test_the_relay_prunes_processed_message_ids_past_their_retention(
        relay, db_engine, monkeypatch):
    monkeypatch.setattr(relay.settings, "processed_messages_retention_days", 30.0)
    with db_engine["notification"].begin() as conn:
        conn.execute(text("DELETE FROM processed_messages"))
        conn.execute(text(
            "INSERT INTO processed_messages (consumer, message_id, processed_at) "
            "SELECT 'relay.probe', gen_random_uuid(), now() - make_interval(days => d) "
            "FROM unnest(ARRAY[90, 31, 29, 1, 0]) AS d"))
    assert relay.prune_processed() == 2
    assert relay.prune_processed() == 0
    with db_engine["notification"].connect() as conn:
        ages = conn.execute(text(
            "SELECT extract(day FROM now() - processed_at)::int FROM processed_messages "
            "ORDER BY 1")).scalars().all()
    assert ages == [0, 1, 29]
