"""A login code is never at rest in notification's database: the stored message has it
masked, the development sink still shows it, and sent login messages are purged by a timer
once older than the retention."""

from __future__ import annotations

import random
import time
import uuid
from datetime import timedelta

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.nameko_ext.service import process_settings
from credit_common.clock import now
from credit_common.testing.database_scan import columns_containing
from notification.service import NotificationService


def wait_for(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return value


@pytest.fixture
def notification(container_factory, nameko_config, monkeypatch):
    monkeypatch.setenv("SMS_PROVIDER", "dev")
    monkeypatch.setenv("DEV_MODE", "true")
    monkeypatch.setenv("SMS_PURGE_INTERVAL_S", "0.2")
    monkeypatch.setenv("SMS_LOGIN_RETENTION_S", "3600")
    process_settings.cache_clear()
    container_factory(NotificationService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.notification
    process_settings.cache_clear()


def a_phone() -> str:
    return "136" + f"{random.randrange(10**8):08d}"


def test_the_code_is_in_no_row_and_the_development_sink_shows_it(notification, db_engine):
    phone, code = a_phone(), f"{random.randrange(10**6):06d}"
    notification.send_sms(phone, "login_code", {"code": code, "minutes": 5},
                          f"login:{uuid.uuid4()}")

    assert columns_containing(db_engine["notification"], code) == []
    with db_engine["notification"].connect() as connection:
        stored = connection.execute(text(
            "SELECT params, body FROM sms_messages WHERE phone = :p"), {"p": phone}).one()
    assert stored.params == {"code": "******", "minutes": 5}
    assert "验证码为 ******" in stored.body
    [shown] = notification.dev_sms(phone)
    assert f"验证码为 {code}，5 分钟内有效" in shown["body"]


def _insert(engine, template: str, status: str, age: timedelta) -> uuid.UUID:
    message_id, at = uuid.uuid4(), now() - age
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO sms_messages (id, dedupe_key, phone, template, params, body, provider, "
            "status, attempts, created_at, sent_at) VALUES (:id, :id, :phone, :t, '{}', "
            "'正文', 'dev', :s, 1, :at, :at)"),
            {"id": message_id, "phone": a_phone(), "t": template, "s": status, "at": at})
    return message_id


def test_the_timer_purges_sent_login_messages_older_than_the_retention(notification,
                                                                        db_engine):
    engine = db_engine["notification"]
    old = timedelta(hours=2)
    purged = [_insert(engine, "login_code", "sent", old),
              _insert(engine, "prove_phone", "failed", old)]
    kept = [_insert(engine, "login_code", "sent", timedelta(minutes=30)),
            _insert(engine, "status_changed", "sent", old),
            _insert(engine, "login_code", "pending", old)]

    def present(ids):
        with engine.connect() as connection:
            return set(connection.execute(text(
                "SELECT id FROM sms_messages WHERE id = ANY(:ids)"), {"ids": ids}).scalars())

    wait_for(lambda: not present(purged))
    assert present(kept) == set(kept)
