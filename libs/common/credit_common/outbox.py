"""Transactional outbox and idempotent inbox, the two tables every service database has.

* ``outbox``: an event is inserted in the same transaction as the change it announces; the
  relay (``credit_common.relay``) publishes pending rows with publisher confirms and marks them
  sent. A trigger NOTIFYs the relay at commit so it does not wait for its next poll.
* ``processed_messages``: a consumer inserts ``(consumer, message_id)`` in the same
  transaction as its effect; a redelivered message finds its row and changes nothing.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import Event
from credit_common.deferred_writes import defer
from credit_common.sql import prepared
from credit_common.topology import events_exchange

NOTIFY_CHANNEL = "outbox_pending"

MESSAGING_TABLES_DDL = f"""
CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    message_id   UUID        NOT NULL UNIQUE,
    exchange     TEXT        NOT NULL,
    routing_key  TEXT        NOT NULL,
    body         JSONB       NOT NULL,
    request_id   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at      TIMESTAMPTZ
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE sent_at IS NULL;

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{NOTIFY_CHANNEL}', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

CREATE TABLE processed_messages (
    consumer     TEXT        NOT NULL,
    message_id   UUID        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
"""

DROP_MESSAGING_TABLES_DDL = """
DROP TABLE processed_messages;
DROP TRIGGER outbox_notify ON outbox;
DROP FUNCTION outbox_notify();
DROP TABLE outbox;
"""

_INSERT_OUTBOX = prepared(
    "INSERT INTO outbox (message_id, exchange, routing_key, body, request_id) "
    "VALUES (:message_id, :exchange, :routing_key, CAST(:body AS jsonb), :request_id)"
)

_CLAIM_MESSAGE = text(
    "INSERT INTO processed_messages (consumer, message_id) VALUES (:consumer, :message_id) "
    "ON CONFLICT DO NOTHING RETURNING 1"
)

_CLAIM_MESSAGE_LATER = prepared(
    "INSERT INTO processed_messages (consumer, message_id) VALUES (:consumer, :message_id)")

#: what a second claim of the same message violates
CLAIM_CONSTRAINT = "processed_messages_pkey"


def add_to_outbox(session: Session, event: Event, request_id: str | None = None) -> uuid.UUID:
    """Stage ``event`` for publication; it is published only if the session commits. The row
    goes to the database with the transaction's other deferred writes, before the commit."""
    envelope = EventEnvelope(
        event_type=event.event_type,
        source=event.source,
        request_id=request_id,
        data=event.model_dump(mode="json"),
    )
    defer(session, _INSERT_OUTBOX, {
        "message_id": envelope.message_id,
        "exchange": events_exchange(event.source),
        "routing_key": event.event_type,
        "body": json.dumps(envelope.model_dump(mode="json"), ensure_ascii=False),
        "request_id": request_id,
    })
    return envelope.message_id


def add_message_to_outbox(session: Session, exchange: str, routing_key: str, body: dict,
                          message_id: uuid.UUID | None = None,
                          request_id: str | None = None) -> uuid.UUID:
    """Stage a message of an external contract (not an :class:`EventEnvelope`), e.g. for
    other agencies on the inter-agency exchange."""
    message_id = message_id or uuid.uuid4()
    defer(session, _INSERT_OUTBOX, {
        "message_id": message_id, "exchange": exchange, "routing_key": routing_key,
        "body": json.dumps(body, ensure_ascii=False), "request_id": request_id,
    })
    return message_id


def claim_message(session: Session, consumer: str, message_id: uuid.UUID | str) -> bool:
    """True the first time ``consumer`` sees ``message_id`` in a committed transaction.

    A concurrent duplicate blocks on the primary key until the first transaction ends, then
    gets False (or True if the first one rolled back), so the effect happens exactly once.
    """
    row = session.execute(
        _CLAIM_MESSAGE, {"consumer": consumer, "message_id": str(message_id)}
    ).first()
    return row is not None


def claim_message_later(session: Session, consumer: str, message_id: uuid.UUID | str) -> None:
    """Claim ``message_id`` for ``consumer`` with the transaction's next statement, one round
    trip fewer than :func:`claim_message`. A message claimed before makes that statement (or
    the commit) fail with a unique violation of ``processed_messages_pkey``
    (:func:`is_duplicate_claim`), and nothing of the transaction is saved; the event
    entrypoint acks such a message as handled. For handlers whose every effect is in this
    database: anything done elsewhere before the failure would be done again."""
    defer(session, _CLAIM_MESSAGE_LATER, {"consumer": consumer, "message_id": str(message_id)})


def is_duplicate_claim(exc: BaseException) -> bool:
    """Whether ``exc`` (the driver's error, or SQLAlchemy's wrapping it) is a second claim."""
    diag = getattr(getattr(exc, "orig", exc), "diag", None)
    return getattr(diag, "constraint_name", None) == CLAIM_CONSTRAINT


def outbox_backlog(session: Session) -> int:
    return session.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar_one()
