"""Writes ``base/rabbitmq/topology.yaml``: the broker objects of the Messaging Topology
Operator, generated from ``credit_common.topology``, ``credit_common.queues`` and
``credit_common.broker_users`` so that the cluster declares what ``make queues`` and ``make
broker-users`` declare on one machine.

    python deploy/k8s/generate_topology.py           # rewrite the file
    python deploy/k8s/generate_topology.py --check   # exit 1 when the file is stale

Nameko's own RPC exchange and queues (``nameko-rpc``, ``rpc-<service>``, reply queues) are left
to Nameko: they are not quorum queues and their declarations would have to match Nameko's.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

import yaml

from credit_common.broker_users import (GATEWAY, PROCESSES, partner_grant, partner_topic_grants,
                                        process_grant)
from credit_common.queues import platform_queues
from credit_common.reference.partner_agencies import partner_agencies
from credit_common.settings import CommonSettings, ServiceSettings
from credit_common.topology import (EXTERNAL_EXCHANGES, SUBSCRIPTIONS, events_exchange,
                                    redelivery_exchange)

TARGET = pathlib.Path(__file__).resolve().parent / "base" / "rabbitmq" / "topology.yaml"
CLUSTER = {"name": "credit-mq"}
VHOST = "credit"
#: reads queue depths through the management API for KEDA, and may do nothing else
KEDA_USER = "credit-keda"
SERVICES = [p for p in PROCESSES if p != GATEWAY]
DELIVERY_LIMIT = CommonSettings.model_fields["event_delivery_limit"].default
RETRY_DELAYS_MS = ServiceSettings.model_fields["event_retry_delays_ms"].default_factory()
LABELS = {"app.kubernetes.io/part-of": "credit-repair",
          "app.kubernetes.io/component": "broker-topology"}


def object_name(*parts: str) -> str:
    """A Kubernetes name for a broker object (lower case, digits, '-' and '.')."""
    name = ".".join(re.sub(r"[^a-z0-9.-]+", "-", part.lower()).strip("-.") for part in parts)
    if len(name) > 253:
        raise ValueError(f"{name} is too long for a Kubernetes name")
    return name


def resource(kind: str, name: str, spec: dict) -> dict:
    return {"apiVersion": "rabbitmq.com/v1beta1", "kind": kind,
            "metadata": {"name": name, "labels": dict(LABELS)},
            "spec": {**spec, "rabbitmqClusterReference": dict(CLUSTER)}}


def user_objects(user: str, secret: str, grant, topic_grants, tags=()) -> list[dict]:
    objects = [resource("User", user, {"importCredentialsSecret": {"name": secret},
                                       **({"tags": list(tags)} if tags else {})})]
    objects.append(resource("Permission", object_name(user, VHOST), {
        "vhost": VHOST, "userReference": {"name": user},
        "permissions": {"configure": grant.configure, "write": grant.write,
                        "read": grant.read}}))
    for topic in topic_grants:
        objects.append(resource("TopicPermission", object_name(user, topic.exchange), {
            "vhost": VHOST, "userReference": {"name": user},
            "permissions": {"exchange": topic.exchange, "write": topic.write,
                            "read": topic.read}}))
    return objects


def topology_objects() -> list[dict]:
    objects = [resource("Vhost", VHOST, {"name": VHOST})]
    exchanges = {events_exchange(s): "topic" for s in SERVICES}
    exchanges.update({name: "topic" for names in EXTERNAL_EXCHANGES.values() for name in names})
    exchanges.update({redelivery_exchange(s.consumer): "direct" for s in SUBSCRIPTIONS})
    exchanges.update({redelivery_exchange("disclosure"): "direct"})
    for name, kind in sorted(exchanges.items()):
        objects.append(resource("Exchange", object_name(name), {
            "name": name, "vhost": VHOST, "type": kind, "durable": True, "autoDelete": False}))
    for queue in platform_queues(RETRY_DELAYS_MS, DELIVERY_LIMIT):
        arguments = {k: v for k, v in queue.arguments.items() if k != "x-queue-type"}
        objects.append(resource("Queue", object_name(queue.name), {
            "name": queue.name, "vhost": VHOST, "type": queue.arguments["x-queue-type"],
            "durable": True, "autoDelete": False,
            **({"arguments": arguments} if arguments else {})}))
        bindings = list(queue.bindings)
        if queue.redelivery:
            bindings.append((queue.redelivery, queue.name))
        for exchange, routing_key in bindings:
            name = object_name(queue.name, "by", exchange, routing_key)
            objects.append(resource("Binding", name, {
                "vhost": VHOST, "source": exchange, "destination": queue.name,
                "destinationType": "queue", "routingKey": routing_key}))
    for process in PROCESSES:
        user = f"credit-{process}"
        objects += user_objects(user, f"{user}-amqp", *process_grant(process))
    for partner in partner_agencies():
        objects += user_objects(partner.broker_user, f"{partner.broker_user}-amqp",
                                partner_grant(), partner_topic_grants(partner))
    nothing = type(partner_grant())("^$", "^$", "^$")
    objects += user_objects(KEDA_USER, f"{KEDA_USER}-amqp", nothing, (), tags=("monitoring",))
    return objects


def render() -> str:
    header = (
        "# Generated by deploy/k8s/generate_topology.py from credit_common.topology, .queues and\n"
        "# .broker_users (EVENT_DELIVERY_LIMIT "
        f"{DELIVERY_LIMIT}, EVENT_RETRY_DELAYS_MS {RETRY_DELAYS_MS}): do not edit by hand.\n")
    return header + yaml.safe_dump_all(topology_objects(), sort_keys=False, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="broker objects for the Topology Operator")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET} 与拓扑不一致：运行 python deploy/k8s/generate_topology.py",
                  file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
