"""SMS messages and inbox messages in PostgreSQL (SQLAlchemy Core)."""

from __future__ import annotations

import json
from datetime import datetime


from credit_common.ids import uuid_or_none
from credit_common.sql import SqlRepository, insert_sql, text

INBOX_COLUMNS = ("id", "dedupe_key", "recipient_kind", "recipient_id", "kind", "title", "body",
                 "link", "created_at")


class SmsRepository(SqlRepository):
    def add(self, message: dict) -> bool:
        """False when a message with the same dedupe key exists (sent once)."""
        return self.session.execute(text(
            "INSERT INTO sms_messages (id, dedupe_key, phone, template, params, body, provider, "
            "status, attempts, created_at, sent_at, next_attempt_at, holder, expires_at) "
            "VALUES (:id, :dedupe_key, :phone, :template, CAST(:params AS jsonb), :body, "
            ":provider, :status, :attempts, :created_at, :sent_at, "
            "CASE WHEN :status = 'pending' THEN :created_at END, :holder, :expires_at) "
            "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"),
            {**message, "params": json.dumps(message["params"], ensure_ascii=False)}
        ).first() is not None

    def claim_due(self, now: datetime, limit: int, holder: str) -> list[dict]:
        """Pending messages whose time has come, locked for this sender (several senders
        never send the same one); a message whose text only one process holds, for it."""
        return self.rows(
            "SELECT id, phone, body, attempts, holder FROM sms_messages "
            "WHERE status = 'pending' AND next_attempt_at <= :now "
            "AND (holder IS NULL OR holder = :holder) ORDER BY next_attempt_at LIMIT :limit "
            "FOR UPDATE SKIP LOCKED", {"now": now, "limit": limit, "holder": holder})

    def give_up(self, message_id, reason: str) -> None:
        self.session.execute(text(
            "UPDATE sms_messages SET status = 'failed', last_error = :e WHERE id = :id"),
            {"e": reason, "id": message_id})

    def give_up_expired(self, now: datetime) -> int:
        """Pending codes past their validity: not worth sending (their holder may be gone)."""
        return self.session.execute(text(
            "UPDATE sms_messages SET status = 'failed', last_error = '验证码已失效，未发送' "
            "WHERE status = 'pending' AND expires_at <= :now"), {"now": now}).rowcount

    def purge(self, templates: tuple[str, ...], before: datetime) -> int:
        return self.session.execute(text(
            "DELETE FROM sms_messages WHERE template = ANY(:t) AND status IN ('sent', 'failed') "
            "AND created_at < :before"), {"t": list(templates), "before": before}).rowcount

    def delivered(self, message_id, now: datetime) -> None:
        self.session.execute(text(
            "UPDATE sms_messages SET status = 'sent', sent_at = :now, attempts = attempts + 1, "
            "last_error = NULL WHERE id = :id"), {"now": now, "id": message_id})

    def retry_later(self, message_id, error: str, next_attempt_at: datetime) -> None:
        self.session.execute(text(
            "UPDATE sms_messages SET attempts = attempts + 1, last_error = :e, "
            "next_attempt_at = :next WHERE id = :id"),
            {"e": error[:500], "next": next_attempt_at, "id": message_id})

    def state(self, message_id) -> dict | None:
        return self.row(
            "SELECT status, attempts, last_error, next_attempt_at FROM sms_messages "
            "WHERE id = :id", {"id": message_id})

    def for_phone(self, phone: str, limit: int) -> list[dict]:
        return self.rows(
            "SELECT id, phone, template, body, created_at FROM sms_messages WHERE phone = :p "
            "ORDER BY created_at DESC, id LIMIT :limit", {"p": phone, "limit": limit})


class InboxRepository(SqlRepository):
    def add(self, message: dict) -> bool:
        return self.session.execute(text(insert_sql(
            "inbox_messages", INBOX_COLUMNS, "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id")),
            message).first() is not None

    def of(self, recipients: list[tuple[str, str]], unread_only: bool, limit: int) -> list[dict]:
        if not recipients:
            return []
        matches = " OR ".join(f"(recipient_kind = :k{i} AND recipient_id = :r{i})"
                              for i in range(len(recipients)))
        params = {"limit": limit}
        for i, (kind, recipient) in enumerate(recipients):
            params[f"k{i}"], params[f"r{i}"] = kind, recipient
        unread = " AND read_at IS NULL" if unread_only else ""
        return self.rows(
            "SELECT id, recipient_kind, recipient_id, kind, title, body, link, created_at, "
            f"read_at FROM inbox_messages WHERE ({matches}){unread} "
            "ORDER BY created_at DESC, id LIMIT :limit", params)

    def unread_count(self, recipients: list[tuple[str, str]]) -> int:
        return len(self.of(recipients, True, 1000))

    def mark_read(self, recipients: list[tuple[str, str]], message_id: str,
                  at: datetime) -> bool:
        if uuid_or_none(message_id) is None:
            return False
        for kind, recipient in recipients:
            if self.session.execute(text(
                    "UPDATE inbox_messages SET read_at = coalesce(read_at, :at) WHERE id = :id "
                    "AND recipient_kind = :k AND recipient_id = :r"),
                    {"at": at, "id": str(message_id), "k": kind, "r": recipient}).rowcount:
                return True
        return False
