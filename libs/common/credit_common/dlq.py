"""Dead-letter queues: list what is waiting and replay it (``make dlq``).

    python -m credit_common.dlq list [--queue Q]
    python -m credit_common.dlq replay [--queue Q] [--message-id ID]

Replay sends a message back to the queue it failed in, through its consumer's redelivery
exchange (``topology.redelivery_exchange``), with its retry count reset, and only then removes
it from the dead-letter queue (publisher confirms), so a replay cannot lose it.
Each service's dead-letter queues are read as that service's broker user (the only one
allowed to), and a replayed message carries that user as its ``user_id``.

Two kinds of message end up here: those a consumer dead-lettered itself (its handler kept
failing, or the message can never apply: ``x-dead-letter-reason``), and those the broker
dead-lettered because their consumer process died holding them more often than the delivery
limit allows (RabbitMQ's ``x-death`` header, reason ``delivery_limit``).
"""

from __future__ import annotations

import argparse
import json
import sys

import pika

from credit_common.settings import amqp_credentials, amqp_uri_of
from credit_common.topology import (INTERAGENCY_CONSUMER, INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE,
                                    SUBSCRIPTIONS, consumer_of_queue, redelivery_exchange)

RESET_HEADERS = ("x-retry-count", "x-last-error", "x-dead-letter-reason", "x-dead-lettered-at",
                 "x-delivery-count")


def _connect(amqp_uri: str) -> pika.BlockingConnection:
    params = pika.URLParameters(amqp_uri)
    params.socket_timeout = 5
    params.client_properties = {"connection_name": "dlq-cli"}
    return pika.BlockingConnection(params)


def queue_depths(amqp_uri: str, queues: list[str]) -> dict[str, int]:
    depths = {}
    connection = _connect(amqp_uri)
    try:
        for queue in queues:
            channel = connection.channel()
            try:
                result = channel.queue_declare(queue=queue, passive=True)
                depths[queue] = result.method.message_count
                channel.close()
            except pika.exceptions.ChannelClosedByBroker:  # not declared yet: nothing in it
                depths[queue] = 0
    finally:
        connection.close()
    return depths


def dead_letter_queues_of(service: str) -> list[str]:
    queues = [s.dead_letter_queue for s in SUBSCRIPTIONS if s.consumer == service]
    if service == INTERAGENCY_CONSUMER:
        queues.append(INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE)
    return queues


def _dead_letter_queues(only: str | None, service: str | None = None) -> list[str]:
    if service:
        queues = dead_letter_queues_of(service)
    else:
        queues = ([s.dead_letter_queue for s in SUBSCRIPTIONS]
                  + [INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE])
    if only:
        queues = [q for q in queues if q in (only, only + ".dlq")]
    return queues


def _latest_death(headers: dict) -> dict:
    """The broker's last dead-lettering of the message (``x-death`` lists the newest first)."""
    deaths = headers.get("x-death") or []
    return deaths[0] if deaths and isinstance(deaths[0], dict) else {}


def _death_reason(death: dict) -> str | None:
    if not death:
        return None
    reason = death.get("reason")
    if reason == "delivery_limit":
        return (f"delivery_limit: 消费进程处理该消息时多次异常退出，超过投递次数上限后由 "
                f"RabbitMQ 转入死信队列（来自 {death.get('queue')}）")
    return f"{reason}: 由 RabbitMQ 转入死信队列（来自 {death.get('queue')}）"


def list_messages(amqp_uri: str, only: str | None = None,
                  service: str | None = None) -> list[dict]:
    """Peek at every dead-lettered message (of ``service``); all of them stay where they are."""
    found = []
    connection = _connect(amqp_uri)
    try:
        for queue in _dead_letter_queues(only, service):
            channel = connection.channel()
            try:
                channel.queue_declare(queue=queue, passive=True)
            except pika.exceptions.ChannelClosedByBroker:
                continue
            while True:
                method, props, body = channel.basic_get(queue=queue, auto_ack=False)
                if method is None:
                    break
                headers = props.headers or {}
                death = _latest_death(headers)
                found.append({
                    "queue": queue,
                    "message_id": props.message_id,
                    "original_queue": headers.get("x-original-queue") or death.get("queue"),
                    "reason": headers.get("x-dead-letter-reason") or _death_reason(death),
                    "dead_lettered_at": headers.get("x-dead-lettered-at") or (
                        death["time"].isoformat() if death.get("time") else None),
                    "body": body.decode("utf-8", "replace"),
                })
            channel.close()  # unacked messages go back to the queue, in order
    finally:
        connection.close()
    return found


def replay(amqp_uri: str, only: str | None = None, message_id: str | None = None,
           service: str | None = None) -> int:
    replayed = 0
    user = amqp_credentials(amqp_uri)[0]
    connection = _connect(amqp_uri)
    try:
        publish = connection.channel()
        publish.confirm_delivery()
        for queue in _dead_letter_queues(only, service):
            channel = connection.channel()
            try:
                waiting = channel.queue_declare(queue=queue, passive=True).method.message_count
            except pika.exceptions.ChannelClosedByBroker:
                continue
            # only what was there: a replayed message that fails again waits for the next replay
            for _ in range(waiting):
                method, props, body = channel.basic_get(queue=queue, auto_ack=False)
                if method is None:
                    break
                if message_id and props.message_id != message_id:
                    continue  # left unacked: returns to the queue when the channel closes
                headers = {k: v for k, v in (props.headers or {}).items() if k not in RESET_HEADERS}
                target = ((props.headers or {}).get("x-original-queue")
                          or _latest_death(props.headers or {}).get("queue")
                          or queue.removesuffix(".dlq"))
                props.headers = headers
                # the broker accepts only our own login here; the sender stays in the headers
                props.user_id = user
                # the consumer's own exchange: a forged x-original-queue reaches no other service
                publish.basic_publish(exchange=redelivery_exchange(consumer_of_queue(queue)),
                                      routing_key=target, body=body, properties=props,
                                      mandatory=True)
                channel.basic_ack(method.delivery_tag)
                replayed += 1
            channel.close()
    finally:
        connection.close()
    return replayed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dlq", description="列出或重放死信队列中的消息")
    parser.add_argument("command", choices=["list", "replay"])
    parser.add_argument("--queue", help="only this dead-letter queue (or its consumer queue)")
    parser.add_argument("--message-id", help="replay only this message")
    args = parser.parse_args(argv)
    services = sorted({s.consumer for s in SUBSCRIPTIONS} | {INTERAGENCY_CONSUMER})
    if args.command == "list":
        messages = [m for service in services
                    for m in list_messages(amqp_uri_of(service), args.queue, service)]
        for message in messages:
            print(json.dumps(message, ensure_ascii=False))
        print(f"{len(messages)} dead-lettered message(s)", file=sys.stderr)
    else:
        count = sum(replay(amqp_uri_of(service), args.queue, args.message_id, service)
                    for service in services)
        print(f"replayed {count} message(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
