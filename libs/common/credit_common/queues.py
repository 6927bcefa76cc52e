"""Every durable queue the platform declares, and the step that brings older ones in line.

    python -m credit_common.queues migrate      (``make run`` runs it before any process)
    python -m credit_common.queues check        (exit 1 if a queue is not as declared)

A queue declared before with other arguments (a classic queue from before quorum queues,
another ``EVENT_DELIVERY_LIMIT``) makes every declarer fail with PRECONDITION_FAILED, and
RabbitMQ cannot change a queue's type or arguments. ``migrate`` therefore, for each such
queue: declares a quorum queue ``<queue>.migrating``, moves every message into it (published
with confirms, then acked: none lost, none twice), deletes the old queue once it is empty,
declares it again as ``topology`` says (with its bindings) and moves the messages back. Every
queue, changed or not, is bound to its consumer's redelivery exchange (declared here too). A
run that stopped half-way is finished by the next one; a second run changes nothing. It
refuses a queue that still has consumers: stop the platform first, or a message arriving
between the delete and the new binding would have no queue.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field

import pika
from pika.exceptions import ChannelClosedByBroker

from credit_common.settings import ServiceSettings
from credit_common.topology import (INTERAGENCY_EXCHANGE, INTERAGENCY_INBOUND_BINDINGS,
                                    INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE,
                                    INTERAGENCY_CONSUMER, INTERAGENCY_INBOUND_QUEUE, QUORUM,
                                    SUBSCRIPTIONS, consumer_queue_arguments,
                                    dead_letter_queue_arguments, redelivery_exchange,
                                    retry_queue_arguments)

MIGRATING_SUFFIX = ".migrating"
NOT_FOUND = 404
PRECONDITION_FAILED = 406


@dataclass(frozen=True)
class PlatformQueue:
    name: str
    arguments: dict
    #: (topic exchange, routing key)
    bindings: tuple[tuple[str, str], ...] = field(default=())
    #: its consumer's direct exchange, bound under the queue's own name
    redelivery: str | None = None


def platform_queues(retry_delays_ms: list[int] | None = None,
                    limit: int | None = None) -> list[PlatformQueue]:
    """Each dead-letter queue before the queue that dead-letters into it."""
    if retry_delays_ms is None:
        retry_delays_ms = ServiceSettings().event_retry_delays_ms
    queues = []
    for sub in SUBSCRIPTIONS:
        own = redelivery_exchange(sub.consumer)
        queues.append(PlatformQueue(sub.dead_letter_queue, dead_letter_queue_arguments(),
                                    redelivery=own))
        queues.append(PlatformQueue(sub.queue, consumer_queue_arguments(sub.queue, limit),
                                    ((sub.exchange, sub.event_type),), own))
        queues += [PlatformQueue(sub.retry_queue(delay), retry_queue_arguments(sub.queue, delay),
                                 redelivery=own)
                   for delay in retry_delays_ms]
    own = redelivery_exchange(INTERAGENCY_CONSUMER)
    queues.append(PlatformQueue(INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE,
                                dead_letter_queue_arguments(), redelivery=own))
    queues.append(PlatformQueue(
        INTERAGENCY_INBOUND_QUEUE, consumer_queue_arguments(INTERAGENCY_INBOUND_QUEUE, limit),
        tuple((INTERAGENCY_EXCHANGE, key) for key in INTERAGENCY_INBOUND_BINDINGS), own))
    return queues


class MigrationRefused(RuntimeError):
    pass


def _connect(amqp_uri: str) -> pika.BlockingConnection:
    params = pika.URLParameters(amqp_uri)
    params.socket_timeout = 10
    params.client_properties = {"connection_name": "queues-migrate"}
    return pika.BlockingConnection(params)


def _try(connection, operation):
    """Run ``operation(channel)`` on a channel of its own (the broker closes a channel on
    any refusal); the refusal's reply code, or None."""
    channel = connection.channel()
    try:
        operation(channel)
    except ChannelClosedByBroker as exc:
        return exc.reply_code
    channel.close()
    return None


def queue_state(connection, queue: PlatformQueue) -> str:
    """``missing``, ``current`` (as ``topology`` declares it) or ``other``."""
    if _try(connection, lambda ch: ch.queue_declare(queue.name, passive=True)) == NOT_FOUND:
        return "missing"
    refused = _try(connection, lambda ch: ch.queue_declare(queue.name, durable=True,
                                                           arguments=queue.arguments))
    if refused == PRECONDITION_FAILED:
        return "other"
    if refused is not None:
        raise MigrationRefused(f"队列 {queue.name} 无法声明（AMQP {refused}）")
    return "current"


def _exists(connection, name: str) -> bool:
    return _try(connection, lambda ch: ch.queue_declare(name, passive=True)) != NOT_FOUND


def _move(connection, publisher, source: str, target: str) -> int:
    """Every message of ``source`` into ``target``: each confirmed there before it is acked
    here, so a crash in between leaves it in both (``migrate`` runs with the platform
    stopped; consumers dedupe by message id anyway), never in neither."""
    channel = connection.channel()
    moved = 0
    while True:
        method, properties, body = channel.basic_get(source, auto_ack=False)
        if method is None:
            break
        headers = {k: v for k, v in (properties.headers or {}).items()
                   if k != "x-delivery-count"}  # the broker's count of the old queue
        properties.headers = headers or None
        publisher.basic_publish("", target, body, properties, mandatory=True)
        channel.basic_ack(method.delivery_tag)
        moved += 1
    channel.close()
    return moved


def _delete_when_empty(connection, publisher, name: str, target: str) -> int:
    """Delete ``name`` once nothing is left in it (quorum queues refuse ``if-empty``, and a
    refusal of it closes the connection: the count is read first)."""
    moved = 0
    while True:
        probe = connection.channel()
        if probe.queue_declare(name, passive=True).method.message_count == 0:
            probe.queue_delete(name)
            probe.close()
            return moved
        probe.close()
        moved += _move(connection, publisher, name, target)  # something arrived meanwhile


def _declare(channel, queue: PlatformQueue) -> None:
    channel.queue_declare(queue.name, durable=True, arguments=queue.arguments)
    for exchange, routing_key in queue.bindings:
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        channel.queue_bind(queue.name, exchange, routing_key)
    if queue.redelivery:
        channel.exchange_declare(queue.redelivery, exchange_type="direct", durable=True)
        channel.queue_bind(queue.name, queue.redelivery, queue.name)


def migrate(amqp_uri: str, queues: list[PlatformQueue] | None = None) -> dict[str, int]:
    """Bring every platform queue in line (a missing one is declared); the queues changed,
    with the messages moved."""
    queues = platform_queues() if queues is None else queues
    changed: dict[str, int] = {}
    connection = _connect(amqp_uri)
    try:
        publisher = connection.channel()
        publisher.confirm_delivery()
        for queue in queues:
            holding = queue.name + MIGRATING_SUFFIX
            state = queue_state(connection, queue)
            if state == "other":
                probe = connection.channel()
                consumers = probe.queue_declare(queue.name, passive=True).method.consumer_count
                probe.close()
                if consumers:
                    raise MigrationRefused(
                        f"队列 {queue.name} 仍有 {consumers} 个消费者：请先停止平台再迁移")
                publisher.queue_declare(holding, durable=True, arguments=dict(QUORUM))
                _move(connection, publisher, queue.name, holding)
                _delete_when_empty(connection, publisher, queue.name, holding)
                state = "missing"
                changed[queue.name] = 0
            if _exists(connection, holding):  # this run's, or one that stopped half-way
                if state == "missing":
                    _declare(publisher, queue)
                moved = _move(connection, publisher, holding, queue.name)
                changed[queue.name] = changed.get(queue.name, 0) + moved
                _delete_when_empty(connection, publisher, holding, queue.name)
            else:
                # declared before any process starts: an event published before its consumer
                # ever ran waits here, and no service's user need declare another's queue;
                # a current one gets any binding it lacks (the redelivery exchange's)
                _declare(publisher, queue)
    finally:
        if connection.is_open:
            connection.close()
    return changed


def check(amqp_uri: str, queues: list[PlatformQueue] | None = None) -> dict[str, str]:
    """Each platform queue's state (``missing`` ones are declared by ``migrate``)."""
    queues = platform_queues() if queues is None else queues
    connection = _connect(amqp_uri)
    try:
        return {queue.name: queue_state(connection, queue) for queue in queues}
    finally:
        connection.close()


#: RabbitMQ's own administrator on a development machine (production sets AMQP_ADMIN_URI)
DEVELOPMENT_ADMIN_URI = "amqp://guest:guest@127.0.0.1:5672/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credit_common.queues",
                                     description="平台队列：检查，或迁移为拓扑声明的仲裁队列")
    parser.add_argument("command", choices=["migrate", "check"])
    args = parser.parse_args(argv)
    # an operator's step, like the database roles: no service's user may touch every queue
    amqp_uri = os.environ.get("AMQP_ADMIN_URI") or DEVELOPMENT_ADMIN_URI
    if args.command == "check":
        states = check(amqp_uri)
        other = [name for name, state in states.items() if state == "other"]
        for name in other:
            print(f"队列 {name} 与拓扑声明不一致，需运行 python -m credit_common.queues migrate")
        return 1 if other else 0
    try:
        changed = migrate(amqp_uri)
    except MigrationRefused as exc:
        print(f"队列迁移未完成：{exc}", file=sys.stderr)
        return 1
    for name, moved in changed.items():
        print(f"队列 {name} 已迁移为仲裁队列，转移消息 {moved} 条")
    if not changed:
        print("队列均已符合拓扑声明，无需迁移")
    return 0


if __name__ == "__main__":
    sys.exit(main())
