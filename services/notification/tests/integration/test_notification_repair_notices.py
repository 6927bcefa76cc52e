"""两书同达: the issued 信用修复告知书 reaches the legal representative as one SMS with its link
and the word that repair is free, however often (and under however many message ids) the
announcement comes; a phone that is no mainland mobile gets none and nothing is stored."""

from __future__ import annotations

import json
import time
import uuid
from datetime import date, datetime, UTC

import pika
import pytest
from sqlalchemy import text

from credit_common.nameko_ext.service import process_settings
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import RepairNoticeIssued
from credit_common.topology import declare_subscription, find_subscription
from notification.service import NotificationService

SUBSCRIPTION = find_subscription("workflow", "repair_notice_issued", "notification")


@pytest.fixture
def notification(container_factory, nameko_config, monkeypatch):
    monkeypatch.setenv("SMS_PROVIDER", "dev")
    process_settings.cache_clear()
    container_factory(NotificationService, nameko_config).start()
    yield
    process_settings.cache_clear()


def issued(phone, record_id=None, earliest=date(2027, 5, 30)) -> RepairNoticeIssued:
    return RepairNoticeIssued(
        record_id=record_id or uuid.uuid4(), document_id=uuid.uuid4(), kind="repair_notice",
        kind_label="信用修复告知书", number=f"穗天市监信告〔2026〕{uuid.uuid4().int % 9999}号",
        issued_on=date(2026, 12, 7), verification_code="A1B2C3D4E5F6",
        document_url="http://127.0.0.1:8000/api/v1/public/documents/pdf?code=A1B2C3D4E5F6",
        subject_code="91440106MA59ABCD1M", subject_name="广州告知有限公司",
        legal_rep_phone=phone, earliest_date=earliest, issued_at=datetime.now(UTC))


def deliver(amqp_uri, *events) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, SUBSCRIPTION)
    for event in events:
        envelope = EventEnvelope(event_type=event.event_type, source=event.source,
                                 data=event.model_dump(mode="json"))
        channel.basic_publish("workflow.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()


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


def texts(engine, phone) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT body FROM sms_messages WHERE phone = :p"),
                            {"p": phone}).scalars().all()


def test_one_sms_with_the_link_however_often_the_notice_is_announced(notification, amqp_uri,
                                                                     db_engine):
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    event = issued(phone)
    deliver(amqp_uri, event, event)   # two message ids for one record
    deadline = time.monotonic() + 20
    while backlog(amqp_uri, SUBSCRIPTION.queue) or not texts(db_engine["notification"], phone):
        assert time.monotonic() < deadline, "the notice's SMS did not come"
        time.sleep(0.1)
    [body] = texts(db_engine["notification"], phone)
    assert body == (f"【广州市场监管】广州告知有限公司：本机关向你（单位）送达《信用修复告知书》（{event.number}）。"
                    "你（单位）最早可于2027年5月30日起申请信用修复。信用修复不收取任何费用。"
                    f"查看告知书：{event.document_url}")


def test_a_phone_that_is_no_mainland_mobile_gets_none(notification, amqp_uri, db_engine):
    event, marker = issued("85291234567"), issued(f"139{uuid.uuid4().int % 10**8:08d}")
    deliver(amqp_uri, event, marker)
    deadline = time.monotonic() + 20
    while backlog(amqp_uri, SUBSCRIPTION.queue) or not texts(db_engine["notification"],
                                                             marker.legal_rep_phone):
        assert time.monotonic() < deadline, "the announcements were not handled"
        time.sleep(0.1)
    assert texts(db_engine["notification"], "85291234567") == []
    with db_engine["notification"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sms_messages WHERE dedupe_key = :k"),
                            {"k": f"repair_notice:{event.record_id}:sms"}).scalar_one() == 0
