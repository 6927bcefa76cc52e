"""Notification's entrypoints: validate, call a handler, return plain JSON."""

from __future__ import annotations

from credit_common.errors import EXPECTED, Forbidden
from credit_common.nameko_ext.entrypoints import consume, rpc, subscribe, timer
from credit_common.nameko_ext.service import ServiceBase

from notification import handlers
from notification.adapters.in_flight import dev_sink
from notification.adapters.sms_provider import HttpSmsProvider
from notification.adapters.unit_of_work import NotificationUnitOfWork
from notification.config import NotificationSettings


def _message_view(message: dict) -> dict:
    return {"id": str(message["id"]), "kind": message["kind"], "title": message["title"],
            "body": message["body"], "link": message["link"],
            "recipient": f"{message['recipient_kind']}:{message['recipient_id']}",
            "created_at": message["created_at"].isoformat(),
            "read_at": message["read_at"].isoformat() if message["read_at"] else None}


class NotificationService(ServiceBase):
    name = "notification"
    unit_of_work = NotificationUnitOfWork
    settings_class = NotificationSettings

    @rpc(expected_exceptions=EXPECTED)
    def send_sms(self, phone: str, template: str, params: dict, dedupe_key: str | None = None):
        provider = self.settings.sms_provider
        queued = handlers.send_sms(str(phone), str(template), dict(params or {}), dedupe_key,
                                   provider, self._uow())
        return {"queued": queued, "provider": provider}

    @rpc(expected_exceptions=EXPECTED)
    def dev_sms(self, phone: str, limit: int = 20):
        """What the development sink holds for a phone, newest first."""
        if not self.settings.dev_mode or self.settings.sms_provider != "dev":
            raise Forbidden("DEV_SINK_DISABLED", "开发短信查看功能未启用")
        messages = self._uow(read_only=True).sms.for_phone(str(phone), max(1, min(int(limit),
                                                                                   100)))
        # the stored body has the code masked; the development provider kept the real text
        return [{"id": str(m["id"]), "phone": m["phone"], "template": m["template"],
                 "body": dev_sink.text(m["id"]) or m["body"],
                 "sent_at": m["created_at"].isoformat()} for m in messages]

    @rpc(expected_exceptions=EXPECTED)
    def inbox(self, officer_id: str | None = None, unit_code: str | None = None,
              applicant_id: str | None = None, unread_only: bool = False, limit: int = 20):
        recipients = handlers.recipients_of(officer_id, unit_code, applicant_id)
        uow = self._uow(read_only=True)
        messages = uow.inbox.of(recipients, bool(unread_only), max(1, min(int(limit), 100)))
        return {"items": [_message_view(m) for m in messages],
                "unread": uow.inbox.unread_count(recipients), "next_cursor": None}

    @rpc(expected_exceptions=EXPECTED)
    def mark_read(self, message_id: str, officer_id: str | None = None,
                  unit_code: str | None = None, applicant_id: str | None = None):
        handlers.mark_read(handlers.recipients_of(officer_id, unit_code, applicant_id),
                           str(message_id), self._uow())
        return {"read": True}

    on_case_deadline = consume("workflow", "case_deadline", handlers.record_case_deadline)

    @subscribe("intake", "application_status_changed")
    def on_application_status_changed(self, envelope):
        handlers.record_application_status(envelope, self.settings.sms_provider, self._uow())

    @subscribe("workflow", "repair_notice_issued")
    def on_repair_notice_issued(self, envelope):
        handlers.record_repair_notice(envelope, self.settings.sms_provider, self._uow())

    @subscribe("disclosure", "penalty_withdrawn")
    def on_penalty_withdrawn(self, envelope):
        """A penalty of ours was withdrawn: the subject is told by SMS."""
        handlers.record_penalty_withdrawn(envelope, self.settings.sms_provider, self._uow())

    @timer(interval=lambda: NotificationSettings().sms_send_interval_s)
    def send_pending_sms(self):
        self._deliver()

    @rpc(expected_exceptions=EXPECTED)
    def deliver_pending_sms(self):
        """One sending round now (operators, tests); the timer does the same every second."""
        return self._deliver()

    def _deliver(self) -> dict:
        settings = self.settings
        if settings.sms_provider != "http" or not settings.sms_provider_url:
            return {"sent": 0, "failed": 0}
        provider = HttpSmsProvider(settings.sms_provider_url, settings.sms_provider_key,
                                   settings.sms_provider_timeout_s)
        return handlers.deliver_pending(provider, settings.sms_retry_cap_s, self._uow())

    @timer(interval=lambda: NotificationSettings().sms_purge_interval_s)
    def purge_login_sms(self):
        handlers.purge_login_messages(self.settings.sms_login_retention_s, self._uow())

    @rpc(expected_exceptions=EXPECTED)
    def purge_login_messages(self):
        """One purge now (operators): sent login messages older than the retention."""
        return {"purged": handlers.purge_login_messages(self.settings.sms_login_retention_s,
                                                        self._uow())}

    @rpc(expected_exceptions=EXPECTED)
    def sms_state(self, phone: str):
        """The delivery state of a phone's messages (operators, tests)."""
        uow = self._uow(read_only=True)
        return [{**{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                    for k, v in (uow.sms.state(m["id"]) or {}).items()}, "id": str(m["id"])}
                for m in uow.sms.for_phone(str(phone), 20)]
