"""The outbox relay: publishes a service's pending outbox rows to RabbitMQ.

Run one or more per service (``python -m <service> relay``). Rows are claimed with
``FOR UPDATE SKIP LOCKED`` so several relays never publish the same row at once and never
skip a row that committed late. A batch is published in one AMQP transaction: the broker's
``tx.commit-ok`` says it has taken every message of the batch (persistent messages written
to their durable queues) before the rows are marked sent, at one round trip a batch where
pika's blocking publisher confirms cost one a message. A connection lost before commit-ok
discards the batch on the broker and the rows stay pending; a crash between commit-ok and
the mark publishes them again, and consumers dedupe by message id. The relay wakes on NOTIFY
from the outbox trigger and polls as a fallback. Once an hour it deletes the sent rows and the
consumers' message ids (``processed_messages``) past their retention.
"""

from __future__ import annotations

import select
import signal
import time

import pika
import psycopg2
import psycopg2.extensions
from sqlalchemy.engine import make_url

from credit_common.liveness import Heartbeat
from credit_common.logging import get_logger
from credit_common.outbox import NOTIFY_CHANNEL
from credit_common.settings import ServiceSettings
from credit_common.topology import (EXTERNAL_EXCHANGES, ensure_subscription, events_exchange,
                                    subscriptions_from)

log = get_logger("relay")

# claimed and marked in one statement: the mark commits only after the broker committed the
# batch, and a failed publish rolls it back, so a row is never marked without being sent
_CLAIM_AND_MARK = (
    "UPDATE outbox SET sent_at = now() WHERE id IN (SELECT id FROM outbox "
    "WHERE sent_at IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
    # the body as the text PostgreSQL keeps: no parsing and dumping it again on the way out
    "RETURNING id, message_id, exchange, routing_key, body::text, request_id"
)


# sent rows past their retention, a batch a statement; a row another relay holds is skipped
_PRUNE_SENT = (
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NOT NULL "
    "AND sent_at < now() - make_interval(secs => %s) ORDER BY id LIMIT %s "
    "FOR UPDATE SKIP LOCKED)"
)
# consumers' claims past their retention, the same way (no index on processed_at: a claim is
# inserted by every event handled, and this runs once an hour)
_PRUNE_PROCESSED = (
    "DELETE FROM processed_messages WHERE ctid = ANY(ARRAY(SELECT ctid FROM processed_messages "
    "WHERE processed_at < now() - make_interval(secs => %s) LIMIT %s FOR UPDATE SKIP LOCKED))"
)
PRUNE_BATCH = 5000
PRUNE_EVERY_S = 3600.0
#: a broker that blocks publishers (memory or disk alarm) for this long closes the connection
BLOCKED_CONNECTION_TIMEOUT_S = 30


def libpq_dsn(sqlalchemy_url: str) -> str:
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Relay:
    def __init__(self, settings: ServiceSettings):
        self.settings = settings
        self.source = settings.service_name
        self.dsn = libpq_dsn(settings.database_url)
        self._db = None
        self._listener = None
        self._amqp = None
        self._channel = None
        self._stopping = False
        self._next_prune = 0.0
        self._heartbeat = Heartbeat(settings.liveness_file)
        # a test's fault: every message goes out twice (consumers must dedupe)
        self._copies = 2 if settings.relay_duplicate_for_tests and settings.development else 1

    # -- connections -------------------------------------------------------------------
    def _connect_db(self):
        if self._db is None or self._db.closed:
            self._db = psycopg2.connect(self.dsn, **self.settings.connect_args(),
                                        application_name="relay")
        if self._listener is None or self._listener.closed:
            self._listener = psycopg2.connect(self.dsn, **self.settings.connect_args(),
                                              application_name="relay-listen")
            self._listener.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
            self._listener.cursor().execute(f"LISTEN {NOTIFY_CHANNEL}")

    def _connect_broker(self):
        if self._channel is not None and self._channel.is_open:
            return
        params = pika.URLParameters(self.settings.amqp_uri)
        params.socket_timeout = 5
        params.blocked_connection_timeout = BLOCKED_CONNECTION_TIMEOUT_S
        params.client_properties = {"connection_name": f"relay-{self.source}"}
        self._amqp = pika.BlockingConnection(params)
        channel = self._amqp.channel()
        channel.tx_select()
        channel.exchange_declare(exchange=events_exchange(self.source), exchange_type="topic",
                                 durable=True)
        for exchange in EXTERNAL_EXCHANGES.get(self.source, ()):
            channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
        for sub in subscriptions_from(self.source):
            if not ensure_subscription(self._amqp, sub):
                log.error("consumer queue missing and not ours to declare: run make queues",
                          queue=sub.queue)
        self._channel = channel
        log.info("relay connected to broker", source=self.source)

    def _close_broker(self):
        try:
            if self._amqp is not None and self._amqp.is_open:
                self._amqp.close()
        except Exception:  # noqa: BLE001 - already broken, nothing more to do
            pass
        self._amqp = self._channel = None

    def _close_db(self):
        for conn in (self._db, self._listener):
            try:
                if conn is not None:
                    conn.close()
            except Exception:  # noqa: BLE001
                pass
        self._db = self._listener = None

    # -- work --------------------------------------------------------------------------
    def publish_batch(self) -> int:
        """Publish up to one batch of pending rows; returns how many were sent."""
        self._connect_db()
        self._connect_broker()
        with self._db:  # one transaction: the rows stay locked until the mark commits
            with self._db.cursor() as cur:
                cur.execute(_CLAIM_AND_MARK, (self.settings.relay_batch_size,))
                rows = sorted(cur.fetchall(), key=lambda row: row[0])  # RETURNING has no order
                if not rows:
                    return 0
                # queued on the channel underneath, the batch goes out with the commit rather
                # than a write a message (bench/README.md, "The relay's batch")
                publish = self._channel._impl.basic_publish
                for _id, message_id, exchange, routing_key, body, request_id in (
                        row for row in rows for _ in range(self._copies)):
                    headers = {"nameko.request_id": request_id} if request_id else {}
                    publish(
                        exchange=exchange,
                        routing_key=routing_key,
                        body=body.encode(),
                        properties=pika.BasicProperties(
                            content_type="application/json",
                            content_encoding="utf-8",
                            delivery_mode=pika.DeliveryMode.Persistent,
                            message_id=str(message_id),
                            headers=headers,
                        ),
                    )
                self._channel.tx_commit()
        log.debug("relay published", count=len(rows))
        return len(rows)

    def prune_sent(self) -> int:
        """Delete the rows sent longer ago than the retention (``OUTBOX_RETENTION_DAYS``):
        once the broker has a message its row is not needed, and an outbox that only grows
        slows every claim. Returns how many rows went."""
        removed = self._prune(_PRUNE_SENT, self.settings.outbox_retention_days)
        if removed:
            log.info("relay pruned sent outbox rows", count=removed,
                     retention_days=self.settings.outbox_retention_days)
        return removed

    def prune_processed(self) -> int:
        """Delete the consumers' claims older than ``PROCESSED_MESSAGES_RETENTION_DAYS``: a
        message comes again within minutes if at all, and the table would otherwise keep a
        row for every event ever handled. Returns how many rows went."""
        days = self.settings.processed_messages_retention_days
        removed = self._prune(_PRUNE_PROCESSED, days)
        if removed:
            log.info("relay pruned processed message ids", count=removed, retention_days=days)
        return removed

    def _prune(self, statement: str, retention_days: float) -> int:
        self._connect_db()
        removed = 0
        while not self._stopping:
            self._heartbeat.beat()  # a long backlog of old rows takes many batches
            with self._db, self._db.cursor() as cur:
                cur.execute(statement, (retention_days * 86400, PRUNE_BATCH))
                batch = cur.rowcount
            removed += batch
            if batch < PRUNE_BATCH:
                break
        return removed

    def _prune_when_due(self):
        if time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + PRUNE_EVERY_S
            self.prune_sent()
            self.prune_processed()

    def _wait_for_notify(self):
        ready, _, _ = select.select([self._listener], [], [], self.settings.relay_poll_interval_s)
        if ready:
            if self.settings.relay_linger_s > 0:
                # the commits of the next few milliseconds join this batch: one claim and one
                # broker transaction for several rows instead of one each
                time.sleep(self.settings.relay_linger_s)
            self._listener.poll()
            self._listener.notifies.clear()

    def run(self):
        signal.signal(signal.SIGTERM, lambda *_: self.stop())
        backoff = 0.2
        log.info("relay starting", source=self.source)
        while not self._stopping:
            self._heartbeat.beat()
            try:
                sent = self.publish_batch()
                backoff = 0.2
                if sent < self.settings.relay_batch_size:
                    self._prune_when_due()
                    self._wait_for_notify()
            except (pika.exceptions.AMQPError, OSError) as exc:
                log.warning("relay cannot reach the broker; rows stay pending",
                            error=repr(exc), retry_in_s=backoff)
                self._close_broker()
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            except psycopg2.Error as exc:
                log.warning("relay cannot reach the database", error=repr(exc), retry_in_s=backoff)
                self._close_db()
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
        self._close_broker()
        self._close_db()
        log.info("relay stopped", source=self.source)

    def stop(self):
        self._stopping = True
