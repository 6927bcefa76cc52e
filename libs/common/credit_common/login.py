"""Login by phone and one-time SMS code, and the sessions it opens: plumbing that intake
(applicants) and workflow (officers) share, each on its own tables in its own database.

Codes are 6 digits, stored only as an HMAC, valid for ``code_ttl_s``, single use. A phone gets
at most one code per ``resend_interval_s`` and ``daily_limit`` a day; an IP address at most
``ip_hourly_limit`` an hour. ``max_failures`` wrong codes in a row lock the phone for
``lock_s`` (the next try is refused as locked, even with the right code). A session holds a
refresh token (stored as a hash, rotated on every use) and can be revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from credit_common.deferred_writes import defer
from credit_common.errors import TooManyRequests, Unauthenticated
# with the other identifier checks; services still call it as login.checked_phone
from credit_common.identity import checked_phone
from credit_common.sql import text

LOGIN_TABLES_DDL = """
CREATE TABLE login_codes (
    id          BIGSERIAL PRIMARY KEY,
    phone       TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    issued_at   TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    requester_ip TEXT
);
CREATE INDEX login_codes_phone ON login_codes (phone, issued_at DESC);
CREATE INDEX login_codes_ip ON login_codes (requester_ip, issued_at DESC);
CREATE TABLE login_locks (
    phone        TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ
);
CREATE TABLE sessions (
    id           UUID PRIMARY KEY,
    principal_id UUID NOT NULL,
    phone        TEXT NOT NULL,
    refresh_hash TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    refreshed_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX sessions_principal ON sessions (principal_id);
"""

DROP_LOGIN_TABLES_DDL = "DROP TABLE IF EXISTS sessions, login_locks, login_codes;"

#: added later to both login databases: every refresh token a rotation replaced, so that one
#: used again (stolen and raced with its owner) ends the whole session
SPENT_REFRESH_TOKENS_DDL = """
CREATE TABLE spent_refresh_tokens (
    refresh_hash TEXT PRIMARY KEY,
    session_id   UUID NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    spent_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX spent_refresh_tokens_session ON spent_refresh_tokens (session_id);
"""
DROP_SPENT_REFRESH_TOKENS_DDL = "DROP TABLE IF EXISTS spent_refresh_tokens"

#: added later to both login databases: how ``issue_code`` finds codes past their retention
LOGIN_CODES_RETENTION_INDEX_DDL = "CREATE INDEX login_codes_issued ON login_codes (issued_at)"
DROP_LOGIN_CODES_RETENTION_INDEX_DDL = "DROP INDEX IF EXISTS login_codes_issued"
#: added later to both login databases: how ``open_session`` finds sessions past their retention
SESSIONS_RETENTION_INDEX_DDL = "CREATE INDEX sessions_expires ON sessions (expires_at)"
DROP_SESSIONS_RETENTION_INDEX_DDL = "DROP INDEX IF EXISTS sessions_expires"


@dataclass(frozen=True)
class LoginPolicy:
    secret: str
    code_ttl_s: int = 300
    resend_interval_s: int = 60
    daily_limit: int = 10
    ip_hourly_limit: int = 30
    max_failures: int = 5
    lock_s: int = 900
    refresh_ttl_s: int = 7 * 24 * 3600


def _digest(secret: str, *parts: str) -> str:
    return hmac.new(secret.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


#: a code is kept while the limits can still count it (a day), and a day more
CODE_RETENTION = timedelta(days=2)
PRUNE_PER_CODE = 20
_PRUNE_OLD_CODES = text(
    "DELETE FROM login_codes WHERE id IN (SELECT id FROM login_codes WHERE issued_at < :cutoff "
    "ORDER BY issued_at LIMIT :limit FOR UPDATE SKIP LOCKED)")


def issue_code(session: Session, policy: LoginPolicy, phone: str, purpose: str,
               requester_ip: str | None, now: datetime) -> tuple[str, int]:
    """A new code for ``phone`` (the caller sends it by SMS); returns (code, seconds valid).

    Serialised per phone by a row lock, so two simultaneous requests cannot both slip under
    the limits."""
    phone = checked_phone(phone)
    session.execute(text("INSERT INTO login_locks (phone) VALUES (:p) ON CONFLICT DO NOTHING"),
                    {"p": phone})
    session.execute(text("SELECT 1 FROM login_locks WHERE phone = :p FOR UPDATE"), {"p": phone})
    last, today_count = session.execute(text(
        "SELECT max(issued_at), count(*) FILTER (WHERE issued_at > :day_ago) "
        "FROM login_codes WHERE phone = :p AND issued_at > :day_ago"),
        {"p": phone, "day_ago": now - timedelta(days=1)}).one()
    if last is not None and (now - last).total_seconds() < policy.resend_interval_s:
        wait = policy.resend_interval_s - int((now - last).total_seconds())
        raise TooManyRequests("CODE_REQUESTED_TOO_OFTEN", f"验证码已发送，请 {wait} 秒后再试",
                              {"retry_after_s": wait})
    if today_count >= policy.daily_limit:
        raise TooManyRequests("DAILY_CODE_LIMIT", "该手机号今日获取验证码次数已达上限，请明天再试")
    if requester_ip:
        from_ip = session.execute(text(
            "SELECT count(*) FROM login_codes WHERE requester_ip = :ip AND issued_at > :hour_ago"),
            {"ip": requester_ip, "hour_ago": now - timedelta(hours=1)}).scalar_one()
        if from_ip >= policy.ip_hourly_limit:
            raise TooManyRequests("IP_CODE_LIMIT", "当前网络获取验证码过于频繁，请稍后再试")
    code = f"{secrets.randbelow(10**6):06d}"
    session.execute(text(
        "INSERT INTO login_codes (phone, purpose, code_hash, issued_at, expires_at, requester_ip) "
        "VALUES (:p, :purpose, :h, :now, :exp, :ip)"),
        {"p": phone, "purpose": purpose, "h": _digest(policy.secret, phone, purpose, code),
         "now": now, "exp": now + timedelta(seconds=policy.code_ttl_s), "ip": requester_ip})
    # every new code takes a few expired ones away (phone numbers are personal data), with
    # the commit, at no round trip of its own
    defer(session, _PRUNE_OLD_CODES, {"cutoff": now - CODE_RETENTION,
                                      "limit": PRUNE_PER_CODE})
    return code, policy.code_ttl_s


class CodeRejected(Exception):
    """A wrong, expired or used code: the failure must be *kept* even though the caller
    answers with an error, so the handler commits before raising ``error``."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


class RefreshReused(CodeRejected):
    """A refresh token used a second time: the session it belonged to is revoked, and that
    revocation is kept although the caller gets an error."""


def verify_code(session: Session, policy: LoginPolicy, phone: str, purpose: str, code: str,
                now: datetime) -> None:
    """Consume the phone's latest unused code for ``purpose`` if ``code`` matches.

    Raises :class:`CodeRejected` (carrying the caller's error) after recording a failure."""
    phone = checked_phone(phone)
    code = (code or "").strip()
    session.execute(text("INSERT INTO login_locks (phone) VALUES (:p) ON CONFLICT DO NOTHING"),
                    {"p": phone})
    failures, locked_until = session.execute(text(
        "SELECT failures, locked_until FROM login_locks WHERE phone = :p FOR UPDATE"),
        {"p": phone}).one()
    if locked_until is not None and locked_until > now:
        minutes = max(1, int((locked_until - now).total_seconds() + 59) // 60)
        raise CodeRejected(TooManyRequests(
            "PHONE_LOCKED", f"验证码错误次数过多，请 {minutes} 分钟后再试",
            {"locked_until": locked_until.isoformat()}))
    latest = session.execute(text(
        "SELECT id, code_hash, expires_at, used_at FROM login_codes "
        "WHERE phone = :p AND purpose = :purpose ORDER BY issued_at DESC, id DESC LIMIT 1"),
        {"p": phone, "purpose": purpose}).first()
    matches = latest is not None and len(code) == 6 and hmac.compare_digest(
        latest.code_hash, _digest(policy.secret, phone, purpose, code))
    if matches and latest.used_at is None and latest.expires_at > now:
        session.execute(text("UPDATE login_codes SET used_at = :now WHERE id = :id"),
                        {"now": now, "id": latest.id})
        session.execute(text(
            "UPDATE login_locks SET failures = 0, locked_until = NULL WHERE phone = :p"),
            {"p": phone})
        return
    failures += 1
    lock = failures >= policy.max_failures
    session.execute(text(
        "UPDATE login_locks SET failures = :f, locked_until = :until WHERE phone = :p"),
        {"p": phone, "f": 0 if lock else failures,
         "until": now + timedelta(seconds=policy.lock_s) if lock else None})
    if matches and latest.used_at is not None:
        error = Unauthenticated("CODE_ALREADY_USED", "验证码已使用，请重新获取")
    elif matches:
        error = Unauthenticated("CODE_EXPIRED", "验证码已过期，请重新获取")
    else:
        left = policy.max_failures - failures
        error = Unauthenticated("WRONG_CODE", "验证码错误" + (
            f"，还可尝试 {left} 次" if left > 0 else "，该手机号已被锁定 15 分钟"),
            {"attempts_left": max(left, 0)})
    raise CodeRejected(error)


@dataclass
class OpenedSession:
    session_id: uuid.UUID
    refresh_token: str
    expires_at: datetime


#: an ended session is kept a month past its expiry (who was logged in when, for an enquiry)
SESSION_RETENTION = timedelta(days=30)
PRUNE_PER_SESSION = 20
_PRUNE_ENDED_SESSIONS = text(
    "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < :cutoff "
    "ORDER BY expires_at LIMIT :limit FOR UPDATE SKIP LOCKED)")


def open_session(session: Session, policy: LoginPolicy, principal_id: uuid.UUID, phone: str,
                 now: datetime) -> OpenedSession:
    session_id, refresh_token = uuid.uuid4(), secrets.token_urlsafe(32)
    expires_at = now + timedelta(seconds=policy.refresh_ttl_s)
    session.execute(text(
        "INSERT INTO sessions (id, principal_id, phone, refresh_hash, created_at, refreshed_at, "
        "expires_at) VALUES (:id, :principal, :phone, :h, :now, :now, :exp)"),
        {"id": session_id, "principal": principal_id, "phone": phone,
         "h": _digest(policy.secret, "refresh", refresh_token), "now": now, "exp": expires_at})
    # as with codes: each new session takes a few long-ended ones away, with the commit
    defer(session, _PRUNE_ENDED_SESSIONS, {"cutoff": now - SESSION_RETENTION,
                                           "limit": PRUNE_PER_SESSION})
    return OpenedSession(session_id, refresh_token, expires_at)


def refresh_session(session: Session, policy: LoginPolicy, refresh_token: str,
                    now: datetime) -> tuple[uuid.UUID, uuid.UUID, str, OpenedSession]:
    """Rotate the refresh token: the old one stops working. Returns (session id, principal,
    phone, the session with its new refresh token)."""
    spent = _digest(policy.secret, "refresh", refresh_token or "")
    row = session.execute(text(
        "SELECT id, principal_id, phone, expires_at, revoked_at FROM sessions "
        "WHERE refresh_hash = :h FOR UPDATE"), {"h": spent}).first()
    if row is None:
        reused = session.execute(text(
            "SELECT session_id FROM spent_refresh_tokens WHERE refresh_hash = :h"),
            {"h": spent}).scalar()
        if reused is not None:
            # two holders of one token: whoever it is, the session ends for both
            revoke_session(session, reused, now)
            raise RefreshReused(Unauthenticated("INVALID_REFRESH_TOKEN",
                                                "登录已失效，请重新登录"))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise Unauthenticated("INVALID_REFRESH_TOKEN", "登录已失效，请重新登录")
    new_token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(seconds=policy.refresh_ttl_s)
    session.execute(text(
        "UPDATE sessions SET refresh_hash = :h, refreshed_at = :now, expires_at = :exp "
        "WHERE id = :id"),
        {"h": _digest(policy.secret, "refresh", new_token), "now": now, "exp": expires_at,
         "id": row.id})
    session.execute(text(
        "INSERT INTO spent_refresh_tokens (refresh_hash, session_id, spent_at) "
        "VALUES (:h, :id, :now)"), {"h": spent, "id": row.id, "now": now})
    return row.id, row.principal_id, row.phone, OpenedSession(row.id, new_token, expires_at)


def revoke_session(session: Session, session_id: uuid.UUID | str, now: datetime) -> None:
    session.execute(text(
        "UPDATE sessions SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL"),
        {"now": now, "id": str(session_id)})


def revoke_sessions_of(session: Session, principal_id: uuid.UUID | str, now: datetime) -> None:
    """Ends every session of one person at once (an officer deactivated or given other
    roles must log in again)."""
    session.execute(text(
        "UPDATE sessions SET revoked_at = :now WHERE principal_id = :p AND revoked_at IS NULL"),
        {"now": now, "p": str(principal_id)})


def session_active(session: Session, session_id: uuid.UUID | str,
                   principal_id: uuid.UUID | str, now: datetime) -> bool:
    """Whether the session is live *and belongs to* ``principal_id``: a token naming someone
    else with a live session id of another person's is refused."""
    try:
        uuid.UUID(str(session_id))
    except ValueError:
        return False
    return session.execute(text(
        "SELECT 1 FROM sessions WHERE id = :id AND principal_id = :p AND revoked_at IS NULL "
        "AND expires_at > :now"),
        {"id": str(session_id), "p": str(principal_id), "now": now}).first() is not None
