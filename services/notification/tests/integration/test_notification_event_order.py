"""Two status changes of one application reach notification in either order (a retried one
comes back later): each gives its inbox message and its SMS once, whatever the order."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, UTC

import pika
import pytest
from sqlalchemy import text

from credit_common.nameko_ext.service import process_settings
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationStatusChanged
from credit_common.topology import declare_subscription, find_subscription
from notification.service import NotificationService


@pytest.fixture
def notification(container_factory, nameko_config, monkeypatch):
    monkeypatch.setenv("SMS_PROVIDER", "dev")
    process_settings.cache_clear()
    container_factory(NotificationService, nameko_config).start()
    yield
    process_settings.cache_clear()


def status_changed(application_id, applicant_id, phone, status, label) -> EventEnvelope:
    event = ApplicationStatusChanged(
        application_id=application_id, acceptance_number="XF-440106-20261207-000321",
        applicant_id=applicant_id, contact_phone=phone, status=status, status_label=label,
        occurred_at=datetime.now(UTC))
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json"))


def deliver(amqp_uri, *envelopes) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription("intake", "application_status_changed",
                                                    "notification"))
    for envelope in envelopes:
        channel.basic_publish("intake.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()


def effects(engine, applicant_id, phone) -> tuple[list[str], int]:
    with engine.connect() as conn:
        kinds = conn.execute(text(
            "SELECT kind FROM inbox_messages WHERE recipient_id = :a ORDER BY kind"),
            {"a": str(applicant_id)}).scalars().all()
        texts = conn.execute(text("SELECT count(*) FROM sms_messages WHERE phone = :p"),
                             {"p": phone}).scalar_one()
    return list(kinds), texts


@pytest.mark.parametrize("approval_first", [True, False], ids=["approved-first",
                                                               "accepted-first"])
def test_two_status_changes_in_either_order_give_each_message_once(notification, amqp_uri,
                                                                    db_engine, approval_first):
    application_id, applicant_id = uuid.uuid4(), uuid.uuid4()
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    accepted = status_changed(application_id, applicant_id, phone, "accepted", "已受理")
    approved = status_changed(application_id, applicant_id, phone, "repaired", "予以修复")
    pair = (approved, accepted) if approval_first else (accepted, approved)
    deliver(amqp_uri, *pair, *pair)  # each delivered twice, too
    expected = (["application_accepted", "application_repaired"], 2)
    queue = find_subscription("intake", "application_status_changed", "notification").queue
    deadline = time.monotonic() + 15
    # all four deliveries handled and acked (ready and unacked both 0), then counted
    while backlog(amqp_uri, queue) or effects(db_engine["notification"], applicant_id,
                                              phone) != expected:
        assert time.monotonic() < deadline, effects(db_engine["notification"], applicant_id,
                                                    phone)
        time.sleep(0.1)
    assert effects(db_engine["notification"], applicant_id, phone) == expected


def backlog(amqp_uri, queue: str) -> int:
    """Messages ready or delivered and not yet acked (rabbitmqctl, no management API)."""
    import subprocess
    from urllib.parse import unquote, urlsplit

    vhost = unquote(urlsplit(amqp_uri).path[1:]) or "/"
    out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers",
                          "name", "messages"], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return sum(int(count) for name, count in (line.split("\t") for line in out.splitlines()
                                              if "\t" in line) if name == queue)
