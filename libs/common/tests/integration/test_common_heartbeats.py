"""A handler busy on the CPU for longer than twice the AMQP heartbeat, with the real broker and
a heartbeat of 4 s: run off the hub (``off_hub``, what the services' PDF and spreadsheet work
use) it runs once and its message is acked; run on the hub, the same handler stops the
heartbeats, the broker closes the connection and hands the message, still being handled,
to the consumer again. The second test shows the fault the first one guards against."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid

import pika
import pytest

from credit_common import dlq, topology
from credit_common.contracts.envelope import EventEnvelope
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import subscribe
from credit_common.nameko_ext.offload import off_hub
from credit_common.testing.isolation import vhost_name
from credit_common.topology import Subscription, declare_subscription
from credit_common.testing.settings import service_settings

# the shared settings, reading notification's variables: these probes use its database
ProbeSettings = service_settings("notification")

HEARTBEAT_S = 3
BUSY_S = 4 * HEARTBEAT_S  # the broker gives up after one to two heartbeat intervals of silence
BUSY = Subscription("probe_source", "busy_event", "busy_consumer")

runs: list[str] = []


def burn(seconds: float) -> int:
    """Pure Python work that never yields to eventlet."""
    spins, until = 0, time.perf_counter() + seconds
    while time.perf_counter() < until:
        spins += 1
    return spins


class BusyConsumer:
    name = "busy_consumer"
    db = DatabaseSession(ProbeSettings)

    @subscribe("probe_source", "busy_event")
    def on_busy_event(self, envelope: EventEnvelope):
        key = envelope.data["key"]
        runs.append(key)
        if runs.count(key) > 1:
            return  # a redelivery: counted, not worked again (it would drop the link again)
        if envelope.data["where"] == "off_hub":
            off_hub(burn, BUSY_S)
        else:
            burn(BUSY_S)


@pytest.fixture(autouse=True)
def busy_topology(monkeypatch, amqp_uri):
    subscriptions = (*topology.SUBSCRIPTIONS, BUSY)
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", subscriptions)
    monkeypatch.setattr(dlq, "SUBSCRIPTIONS", subscriptions, raising=False)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, BUSY)
    channel.queue_purge(BUSY.queue)
    connection.close()
    runs.clear()


def messages_in_queue(test_run_id: str) -> int | None:
    """Ready plus unacknowledged: 0 only once the broker has the handler's ack (None when
    the CLI did not answer this time)."""
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    listed = subprocess.run([ctl, "-q", "list_queues", "-p", vhost_name(test_run_id), "name",
                             "messages"], capture_output=True, text=True, timeout=60)
    counts = dict(line.split("\t") for line in listed.stdout.splitlines() if "\t" in line)
    return int(counts[BUSY.queue]) if listed.returncode == 0 and BUSY.queue in counts else None


def publish_busy_event(amqp_uri: str, where: str) -> str:
    key = f"busy-{where}-{uuid.uuid4().hex[:6]}"
    envelope = EventEnvelope(event_type=BUSY.event_type, source=BUSY.source,
                             data={"key": key, "where": where})
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.confirm_delivery()
    channel.basic_publish(BUSY.exchange, BUSY.event_type,
                          envelope.model_dump_json().encode(),
                          pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                               message_id=str(envelope.message_id)))
    connection.close()
    return key


def handled_and_acked(test_run_id, key, timeout):
    deadline = time.monotonic() + timeout
    while not (key in runs and messages_in_queue(test_run_id) == 0):
        assert time.monotonic() < deadline, f"{key} not handled and acked in {timeout} s: {runs}"
        time.sleep(0.2)


@pytest.fixture
def busy_consumer(container_factory, nameko_config):
    container = container_factory(BusyConsumer, {**nameko_config, "HEARTBEAT": HEARTBEAT_S,
                                                 "EVENT_BATCH_LIMIT": 1})
    container.start()
    return container


def test_cpu_work_off_the_hub_for_three_heartbeats_runs_once(busy_consumer, amqp_uri,
                                                             test_run_id):
    key = publish_busy_event(amqp_uri, "off_hub")
    handled_and_acked(test_run_id, key, timeout=BUSY_S + 20)
    assert runs == [key], "the message was delivered again while it was being handled"


def test_the_same_work_on_the_hub_loses_the_connection_and_runs_again(busy_consumer, amqp_uri,
                                                                      test_run_id):
    key = publish_busy_event(amqp_uri, "on_hub")
    handled_and_acked(test_run_id, key, timeout=BUSY_S + 30)
    deadline = time.monotonic() + 30
    while runs.count(key) < 2:  # the broker's redelivery, once the hub is free again
        assert time.monotonic() < deadline, f"no redelivery: runs {runs}"
        time.sleep(0.1)
    assert runs == [key, key]
