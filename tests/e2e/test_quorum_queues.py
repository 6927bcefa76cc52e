"""On the running platform, every durable queue a process declared (relays, services, the
inter-agency consumer) is a quorum queue with the arguments ``topology`` gives it."""

import json
import subprocess

import pika

from credit_common import queues, topology
from credit_common.testing import isolation



def listed(amqp_uri: str) -> dict[str, dict]:
    vhost = pika.URLParameters(amqp_uri).virtual_host
    out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "--formatter", "json",
                          "name", "type", "durable", "arguments"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    rows = json.loads(out)
    for row in rows:  # [[name, type, value], ...] as the broker keeps them
        row["arguments"] = {name: value for name, _type, value in row["arguments"]}
    return {row["name"]: row for row in rows}


def test_every_durable_platform_queue_is_a_quorum_queue_as_topology_declares_it(
        platform, amqp_uri):
    expected = queues.platform_queues(isolation.RETRY_DELAYS_MS, 5)
    found = listed(amqp_uri)
    missing = [q.name for q in expected if q.name not in found]
    assert not missing, f"not declared by any process: {missing}"
    for queue in expected:
        assert found[queue.name]["type"] == "quorum", found[queue.name]
    consumer_queues = [s.queue for s in topology.SUBSCRIPTIONS] + [
        topology.INTERAGENCY_INBOUND_QUEUE]
    for name in consumer_queues:
        arguments = found[name]["arguments"]
        assert arguments.get("x-delivery-limit") == 5, (name, arguments)
        assert arguments.get("x-dead-letter-routing-key") == f"{name}.dlq", (name, arguments)
        assert arguments.get("x-dead-letter-exchange") == topology.redelivery_exchange(
            topology.consumer_of_queue(name)), (name, arguments)
    # each bound to its consumer's redelivery exchange under its own name
    vhost = pika.URLParameters(amqp_uri).virtual_host
    out = subprocess.run(["rabbitmqctl", "-q", "list_bindings", "-p", vhost, "--formatter",
                          "json", "source_name", "destination_name", "routing_key"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    bindings = {(b["source_name"], b["destination_name"], b["routing_key"])
                for b in json.loads(out)}
    unbound = [q.name for q in expected if (q.redelivery, q.name, q.name) not in bindings]
    assert not unbound, unbound
    # what every process declared agrees with what the migration step would declare
    states = queues.check(amqp_uri, expected)
    assert set(states.values()) == {"current"}, states
    # the only durable classic queues left are Nameko's RPC plumbing: request queues
    # (rpc-<service>) and reply queues (rpc.reply-..., deleted after 5 minutes unused)
    classic = [name for name, row in found.items() if row["durable"]
               and row["type"] != "quorum" and not name.startswith(("rpc-", "rpc.reply-"))]
    assert not classic, classic
