"""A penalty of ours withdrawn reaches notification on the run's broker: each of the subject's
phones gets one SMS naming the ruling, however often the event is delivered; a phone that is
no mainland mobile gets none."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime

import pika
import pytest
from sqlalchemy import text

from credit_common.nameko_ext.service import process_settings
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import PenaltyWithdrawn
from credit_common.topology import declare_subscription, find_subscription
from notification.service import NotificationService


@pytest.fixture
def notification(container_factory, nameko_config, monkeypatch):
    monkeypatch.setenv("SMS_PROVIDER", "dev")
    process_settings.cache_clear()
    container_factory(NotificationService, nameko_config).start()
    yield
    process_settings.cache_clear()


def withdrawn(phones) -> EventEnvelope:
    event = PenaltyWithdrawn(
        withdrawal_id=uuid.uuid4(), record_id=uuid.uuid4(), record_type="penalty_publicity",
        decision_number="穗天市监处罚〔2026〕8号", deciding_unit_code="44010601",
        district_code="440106", subject_code="91440106MA59ABCD1M", subject_name="广州撤销测试有限公司",
        notify_phones=phones, ruling_kind="administrative_review", ruling_kind_label="行政复议决定",
        ruling_number="穗府复决〔2026〕15号", ruling_date=date(2026, 12, 1), reason="撤销",
        officer_name="王审批", withdrawn_at=datetime.now(UTC))
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json"))


def deliver(amqp_uri, envelope, times: int) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription("disclosure", "penalty_withdrawn",
                                                    "notification"))
    for _ in range(times):
        channel.basic_publish("disclosure.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()


def texts(engine, phones) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT phone, body FROM sms_messages WHERE phone = ANY(:p) ORDER BY phone"),
            {"p": list(phones)})]


def test_each_phone_of_the_subject_gets_one_sms_naming_the_ruling(notification, amqp_uri,
                                                                  db_engine):
    first, second = (f"139{uuid.uuid4().int % 10**8:08d}" for _ in range(2))
    envelope = withdrawn([first, second, "020-12345678"])
    deliver(amqp_uri, envelope, times=3)
    engine = db_engine["notification"]
    queue = find_subscription("disclosure", "penalty_withdrawn", "notification").queue
    deadline = time.monotonic() + 15
    # all three deliveries handled and acked, then counted
    while backlog(amqp_uri, queue) or len(texts(engine, [first, second])) < 2:
        assert time.monotonic() < deadline, "the SMS did not arrive"
        time.sleep(0.1)
    sent = texts(engine, [first, second, "020-12345678"])
    assert [phone for phone, _ in sent] == sorted([first, second])
    for _, body in sent:
        assert "行政处罚决定（穗天市监处罚〔2026〕8号）已依据行政复议决定（穗府复决〔2026〕15号）撤销" in body
        assert body.startswith("【广州市场监管】广州撤销测试有限公司")


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
