"""``python -m disclosure inbound``: other agencies' records, withdrawals and filings (late
annual reports, published information; ``disclosure.automatic_repair``), from the
inter-agency exchange, applied exactly once.

A pika consumer, not Nameko: the messages follow an external contract (see
``credit_common.contracts.interagency`` and ``services/disclosure/asyncapi.yaml``). Each is
applied in one transaction that also records its message id, then acked; a redelivery finds
the id and changes nothing. A message that can never apply (bad JSON, unknown schema version,
missing field, invalid USCC, unknown district, a date in the future, a filing for a subject
the registry does not hold, a routing key its sender may not publish) is dead-lettered at once
with the reason, and nothing of it is written. A failing database is waited out while the
message is held (given back, it would count towards the queue's delivery limit); only a
message that keeps failing for an unknown reason is dead-lettered after a few attempts. The
consumer never dies of a message; if its process dies anyway (killed, out of memory) on the
same message again and again, the quorum queue dead-letters it past ``EVENT_DELIVERY_LIMIT``
(``x-death`` reason ``delivery_limit``).

Who sent a message is the AMQP ``user_id`` property, which RabbitMQ refuses unless it is the
publisher's own login; each partner agency has its user (``credit_common.reference.
partner_agencies``). A message without it, from a user that is no partner, or whose
``source_agency`` is not that user's agency is dead-lettered. A dead-lettered message keeps
its sender in ``x-original-user-id``, trusted only when our own user sends it back (``make
dlq-replay``), since no one else can publish as us.
"""

from __future__ import annotations

import signal
import time

import pika
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from credit_common.clock import now
from credit_common.contracts.interagency import INBOUND_MESSAGES
from credit_common.identity import mask_personal_data
from credit_common.liveness import DEFAULT_EVERY_S, Heartbeat
from credit_common.logging import get_logger
from credit_common.nameko_ext.db import build_engine
from credit_common.reference.partner_agencies import PartnerAgency, agency_of_user
from credit_common.settings import amqp_credentials
from credit_common.topology import (INTERAGENCY_CONSUMER, INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE,
                                    INTERAGENCY_INBOUND_QUEUE, declare_interagency_inbound,
                                    redelivery_exchange)
from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.config import DisclosureSettings
from disclosure.domain.agency_records import RejectedMessage
from disclosure.handlers.automatic_repair import apply_inbound

log = get_logger(__name__)

DEAD_LETTER_QUEUE = INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE
MAX_UNEXPLAINED_ATTEMPTS = 3
ORIGINAL_USER_HEADER = "x-original-user-id"


def sender(user_id: str | None, headers: dict | None, own_user: str,
           partners_file: str | None = None) -> PartnerAgency:
    """The partner agency that published a message, from its broker-checked ``user_id``."""
    if not user_id:
        raise RejectedMessage("MISSING_USER_ID", "消息未携带 AMQP user_id 属性，无法确认发送机构")
    if user_id == own_user:  # sent back from our dead-letter queue
        user_id = (headers or {}).get(ORIGINAL_USER_HEADER)
        if isinstance(user_id, bytes):
            user_id = user_id.decode()
        if not user_id:
            raise RejectedMessage("MISSING_USER_ID", "重放的消息未记录原发送账号，无法确认发送机构")
    partner = agency_of_user(user_id, partners_file)
    if partner is None:
        raise RejectedMessage("UNKNOWN_PARTNER", f"发送账号 {user_id} 不是登记的合作机构")
    return partner


def check_source_agency(message, partner: PartnerAgency) -> None:
    if message.source_agency != partner.agency:
        raise RejectedMessage(
            "AGENCY_MISMATCH", f"source_agency {message.source_agency} 与发送账号 "
            f"{partner.broker_user} 所属机构 {partner.agency} 不符")


def check_routing_key(routing_key: str, partner: PartnerAgency) -> None:
    """The broker refuses a partner's publish outside its keys; a replay from the dead-letter
    queue comes as our own user, so the consumer checks the original sender's keys again."""
    if routing_key not in partner.routing_keys:
        raise RejectedMessage("ROUTING_KEY_NOT_ALLOWED",
                              f"{partner.agency} 无权发布 {routing_key} 消息")


DATABASE_WAIT_S = 1.0


def declare(channel) -> None:
    declare_interagency_inbound(channel)


class InboundConsumer:
    def __init__(self, settings: DisclosureSettings):
        self.settings = settings
        self.engine = build_engine(settings)
        self.failures: dict[str, int] = {}
        self.own_user = amqp_credentials(settings.amqp_uri)[0]
        self.stopping = False
        self.connection = None
        self.heartbeat = Heartbeat(settings.liveness_file)

    def run(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.stop())
        delay = 0.5
        while not self.stopping:
            self.heartbeat.beat()
            try:
                self._consume()
                delay = 0.5
            except pika.exceptions.AMQPError as exc:
                if self.stopping:
                    break
                log.warning("inbound: broker unreachable; retrying", error=repr(exc),
                            delay_s=delay)
                time.sleep(delay)
                delay = min(delay * 2, 10)
        self.engine.dispose()

    def stop(self) -> None:
        self.stopping = True
        if self.connection is not None and self.connection.is_open:
            self.connection.add_callback_threadsafe(self.connection.close)

    def _consume(self) -> None:
        params = pika.URLParameters(self.settings.amqp_uri)
        params.client_properties = {"connection_name": "disclosure-inbound"}
        self.connection = pika.BlockingConnection(params)
        self._beat_while_connected()
        channel = self.connection.channel()
        declare(channel)
        self.dead_letters = self.connection.channel()
        self.dead_letters.confirm_delivery()
        channel.basic_qos(prefetch_count=self.settings.inbound_prefetch)
        channel.basic_consume(INTERAGENCY_INBOUND_QUEUE, self._on_message)
        log.info("inbound: consuming", queue=INTERAGENCY_INBOUND_QUEUE)
        try:
            channel.start_consuming()
        finally:
            if self.connection.is_open:
                self.connection.close()

    def _beat_while_connected(self) -> None:
        # run by the connection between messages and while a database outage is waited out
        self.heartbeat.beat()
        self.connection.call_later(DEFAULT_EVERY_S, self._beat_while_connected)

    def _on_message(self, channel, method, properties, body: bytes) -> None:
        routing_key = method.routing_key
        if routing_key == INTERAGENCY_INBOUND_QUEUE:  # sent back from the dead-letter queue
            routing_key = str((properties.headers or {}).get("x-original-routing-key", ""))
        method.routing_key = routing_key
        model = INBOUND_MESSAGES.get(routing_key)
        if model is None:
            return self._dead_letter(channel, method, properties, body, "UNKNOWN_ROUTING_KEY",
                                     f"未知的消息类型 {routing_key}")
        try:
            partner = sender(properties.user_id, properties.headers, self.own_user,
                             self.settings.partner_agencies_file)
            check_routing_key(routing_key, partner)
        except RejectedMessage as exc:
            return self._dead_letter(channel, method, properties, body, exc.code, exc.reason)
        try:
            message = model.model_validate_json(body)
        except ValidationError as exc:
            reason = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}"
                               for e in exc.errors())[:1500]
            return self._dead_letter(channel, method, properties, body, "INVALID_MESSAGE",
                                     reason)
        try:
            check_source_agency(message, partner)
        except RejectedMessage as exc:
            return self._dead_letter(channel, method, properties, body, exc.code, exc.reason)
        while True:
            try:
                with Session(self.engine) as session, session.begin():
                    outcome = apply_inbound(message, DisclosureUnitOfWork(session))
                break
            except RejectedMessage as exc:
                return self._dead_letter(channel, method, properties, body, exc.code,
                                         exc.reason)
            except (OperationalError, DBAPIError) as exc:
                if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
                    return self._unexplained(channel, method, properties, body, message, exc)
                if self.stopping:
                    channel.basic_nack(method.delivery_tag, requeue=True)
                    return
                log.warning("inbound: database unavailable; will retry", error=repr(exc))
                # answers heartbeats while waiting; no other message is handled meanwhile
                self.connection.sleep(DATABASE_WAIT_S)
            except Exception as exc:  # noqa: BLE001 - never die of one message
                return self._unexplained(channel, method, properties, body, message, exc)
        self.failures.pop(str(message.message_id), None)
        log.info("inbound: applied", message_id=str(message.message_id), outcome=outcome,
                 source_agency=message.source_agency)
        channel.basic_ack(method.delivery_tag)

    def _unexplained(self, channel, method, properties, body, message, exc) -> None:
        key = str(message.message_id)
        self.failures[key] = self.failures.get(key, 0) + 1
        log.error("inbound: failed to apply", message_id=key, attempt=self.failures[key],
                  error=repr(exc))
        if self.failures[key] >= MAX_UNEXPLAINED_ATTEMPTS:
            self.failures.pop(key, None)
            return self._dead_letter(channel, method, properties, body, "APPLY_FAILED",
                                     repr(exc)[:1500])
        time.sleep(0.5)
        channel.basic_nack(method.delivery_tag, requeue=True)

    def _dead_letter(self, channel, method, properties, body, code: str, reason: str) -> None:
        reason = mask_personal_data(reason)  # headers are read by whoever reads the queue
        headers = dict(properties.headers or {})
        headers.pop(ORIGINAL_USER_HEADER, None)
        original_user = properties.user_id
        if original_user == self.own_user:  # a replay: its sender is what we recorded
            original_user = (properties.headers or {}).get(ORIGINAL_USER_HEADER)
        if original_user:
            headers[ORIGINAL_USER_HEADER] = original_user
        headers.update({"x-dead-letter-reason": f"{code}: {reason}",
                        "x-original-queue": INTERAGENCY_INBOUND_QUEUE,
                        "x-original-routing-key": method.routing_key,
                        "x-dead-lettered-at": now().isoformat()})
        # confirmed (and routed: mandatory) before the original is acked: the message is
        # never in neither queue
        self.dead_letters.basic_publish(
            redelivery_exchange(INTERAGENCY_CONSUMER), DEAD_LETTER_QUEUE, body,
            pika.BasicProperties(content_type=properties.content_type or "application/json",
                                 delivery_mode=2, message_id=properties.message_id,
                                 headers=headers),
            mandatory=True)
        channel.basic_ack(method.delivery_tag)
        log.warning("inbound: dead-lettered", code=code, reason=reason,
                    message_id=properties.message_id, sender=original_user)


def main(argv: list[str] | None = None) -> int:
    InboundConsumer(DisclosureSettings()).run()
    return 0
