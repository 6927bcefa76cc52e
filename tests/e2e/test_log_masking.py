"""Personal numbers never reach a log line or a dead-letter header in full. A poison event
quoting a mobile and a resident ID is dead-lettered by notification (pydantic's error text
repeats the values it refused): its log line and its ``x-dead-letter-reason`` show them masked.
Then every line the platform's processes have written so far is scanned (the ``platform``
fixture scans them all again once every process has stopped)."""

from __future__ import annotations

import json
import uuid

import pika

from credit_common.identity import mask_document, mask_phone
from credit_common.testing.log_scan import scan_logs
from credit_common.testing.platform import wait_until
from credit_common.topology import declare_subscription, find_subscription
from tests.e2e import registry


def take_dead_letter(channel, queue: str, message_id: str):
    """Our message off the dead-letter queue (acked); anyone else's goes back."""
    others = []
    try:
        while True:
            method, properties, body = channel.basic_get(queue, auto_ack=False)
            if method is None:
                return None
            if properties.message_id == message_id:
                channel.basic_ack(method.delivery_tag)
                return properties
            others.append(method.delivery_tag)
    finally:
        for tag in others:
            channel.basic_nack(tag, requeue=True)


def test_a_poison_event_quoting_personal_numbers_is_logged_and_dead_lettered_masked(
        platform, amqp_uri):
    phone, resident_id = registry.new_phone(), registry.new_resident_id()
    message_id = str(uuid.uuid4())
    poison = {"message_id": phone, "event_type": "case_deadline", "source": "workflow",
              "occurred_at": resident_id, "data": {"contact_phone": phone}}
    subscription = find_subscription("workflow", "case_deadline", "notification")
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        declare_subscription(channel, subscription)
        channel.basic_publish(subscription.exchange, subscription.event_type,
                              json.dumps(poison).encode(), pika.BasicProperties(
                                  content_type="application/json", message_id=message_id,
                                  delivery_mode=2))

        def dead_lettered():
            return take_dead_letter(channel, subscription.dead_letter_queue, message_id)

        properties = wait_until(dead_lettered, 15, interval=0.2, message="the dead letter")
    finally:
        connection.close()

    reason = properties.headers["x-dead-letter-reason"]
    assert reason.startswith("invalid envelope:")
    assert mask_phone(phone) in reason and mask_document(resident_id) in reason
    assert phone not in reason and resident_id not in reason

    def logged():
        log = platform.log("notification")
        return log if mask_phone(phone) in log else None

    log = wait_until(logged, 10, message="notification's log line about the dead letter")
    assert mask_document(resident_id) in log
    assert phone not in log and resident_id not in log

    scan = scan_logs(platform.log_dir)
    print(scan.summary())
    assert scan.items > 0
    assert not scan.leaks, scan.leaks[:5]
