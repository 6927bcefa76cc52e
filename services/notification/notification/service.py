"""Notification's entrypoints: validate, call a handler, return plain JSON."""

from __future__ import annotations

import functools
import json
import uuid

from nameko.dependency_providers import Config
from sqlalchemy import text

from credit_common.clock import now
from credit_common.errors import EXPECTED, Forbidden, ValidationFailed
from credit_common.identity import is_mainland_mobile
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import rpc
from credit_common.nameko_ext.health import health_status
from credit_common.nameko_ext.observability import MetricsServer, RequestContext

from notification import __version__
from notification.config import NotificationSettings
from notification.domain.templates import render_sms


@functools.lru_cache(maxsize=1)
def _settings() -> NotificationSettings:
    return NotificationSettings()


class NotificationService:
    name = "notification"

    db = DatabaseSession(NotificationSettings)
    context = RequestContext()
    metrics = MetricsServer(NotificationSettings)
    config = Config()

    @rpc(expected_exceptions=EXPECTED)
    def health(self):
        return health_status(self.name, __version__, self.db, self.config["AMQP_URI"])

    @rpc(expected_exceptions=EXPECTED)
    def send_sms(self, phone: str, template: str, params: dict, dedupe_key: str | None = None):
        """Queue one SMS. The same ``dedupe_key`` twice sends once. With the development
        sink the message is kept as sent; the HTTP provider's sender delivers pending ones."""
        if not is_mainland_mobile(str(phone)):
            raise ValidationFailed("INVALID_PHONE", "请输入 11 位手机号码", {"field": "phone"})
        body = render_sms(str(template), dict(params or {}))
        settings = _settings()
        at = now()
        dev = settings.sms_provider == "dev"
        message_id = uuid.uuid4()
        inserted = self.db.execute(text(
            "INSERT INTO sms_messages (id, dedupe_key, phone, template, params, body, provider, "
            "status, attempts, created_at, sent_at) VALUES (:id, :k, :p, :t, CAST(:params AS "
            "jsonb), :body, :provider, :status, :attempts, :at, :sent) "
            "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"),
            {"id": message_id, "k": dedupe_key or str(message_id), "p": phone, "t": template,
             "params": json.dumps(params, ensure_ascii=False), "body": body,
             "provider": settings.sms_provider, "status": "sent" if dev else "pending",
             "attempts": 1 if dev else 0, "at": at, "sent": at if dev else None}).first()
        return {"queued": inserted is not None, "provider": settings.sms_provider}

    @rpc(expected_exceptions=EXPECTED)
    def dev_sms(self, phone: str, limit: int = 20):
        """What the development sink holds for a phone, newest first."""
        if not _settings().dev_mode or _settings().sms_provider != "dev":
            raise Forbidden("DEV_SINK_DISABLED", "开发短信查看功能未启用")
        rows = self.db.execute(text(
            "SELECT id, phone, template, body, created_at FROM sms_messages WHERE phone = :p "
            "ORDER BY created_at DESC, id LIMIT :limit"),
            {"p": str(phone), "limit": max(1, min(int(limit), 100))})
        return [{"id": str(r.id), "phone": r.phone, "template": r.template, "body": r.body,
                 "sent_at": r.created_at.isoformat()} for r in rows]
