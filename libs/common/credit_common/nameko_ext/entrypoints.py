"""The entrypoints services use instead of Nameko's own: ``rpc``, ``subscribe`` and ``timer``.

Each ends the worker's database transaction *before* it replies or acks (see
``credit_common.nameko_ext.db``). ``subscribe`` also makes a failing event handler safe: the
message is re-queued through delay queues with growing TTLs and, once the delays are used up,
dead-lettered into ``<queue>.dlq`` with the error, where an operator lists and replays it
(``make dlq``). Nameko's own handler would ack and lose it, or requeue it forever. Events of
one queue that arrive together are handled by one worker in one transaction (``EventBatch``);
if anything in it fails, each is handled again on its own. Its queues are quorum queues
(``credit_common.topology``): a message that kills its consumer process again and again is
dead-lettered by the broker past ``EVENT_DELIVERY_LIMIT``, and messages the broker gives back
are handled one at a time (``_run_suspects``). ``rpc`` sends its replies through
one channel kept open (``ReplyChannel``).
"""

from __future__ import annotations

import functools
import json
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import nameko.rpc
import nameko.timer
import structlog
from amqp.exceptions import AMQPError
from eventlet.event import Event
from eventlet.semaphore import Semaphore
from kombu import Connection, Exchange, Queue
from kombu.exceptions import KombuError
from nameko.amqp.publish import Publisher, get_connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.events import EventHandler
from nameko.exceptions import UnserializableValueError, serialize
from nameko.extensions import SharedExtension
from nameko.messaging import Consumer
from nameko.rpc import get_rpc_exchange
from nameko.standalone.events import get_event_exchange
from psycopg2.errors import QueryCanceled
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.errors import Conflict, ServiceError, Unavailable
from credit_common.identity import mask_personal_data
from credit_common.logging import get_logger
from credit_common.nameko_ext.db import finish_transactions
from credit_common.outbox import is_duplicate_claim
from credit_common.topology import (consumer_queue_arguments, dead_letter_queue_arguments,
                                    delivery_limit, find_subscription, redelivery_exchange,
                                    retry_queue_arguments)

log = get_logger(__name__)

RETRY_COUNT_HEADER = "x-retry-count"
RETRY_DELAYS_CONFIG_KEY = "EVENT_RETRY_DELAYS_MS"
BATCH_LIMIT_CONFIG_KEY = "EVENT_BATCH_LIMIT"
DELIVERY_LIMIT_CONFIG_KEY = "EVENT_DELIVERY_LIMIT"


def _as_service_error(exc_info):
    """A failure the database raised at commit becomes an error a caller can act on."""
    if exc_info is None or isinstance(exc_info[1], ServiceError):
        return exc_info
    exc = exc_info[1]
    try:
        if isinstance(exc, IntegrityError):
            raise Conflict("CONFLICT", "数据已被其他操作修改，请刷新后重试") from exc
        if isinstance(exc, DBAPIError) and isinstance(exc.orig, QueryCanceled):
            # the application role's statement_timeout: a statement ran too long
            raise Unavailable("DATABASE_TIMEOUT", "数据库处理超时，请稍后再试") from exc
        if isinstance(exc, DBAPIError):
            raise Unavailable("DATABASE_UNAVAILABLE", "数据库暂时不可用，请稍后再试") from exc
    except ServiceError:
        return sys.exc_info()
    return exc_info


def _settle(ack_or_requeue, message) -> None:
    """Nameko's ack and requeue catch py-amqp's ConnectionError but not the socket's: an ack
    on a connection the broker has just closed (missed heartbeats, close_all_connections)
    would kill the whole service. The broker has requeued the message; it comes again."""
    try:
        ack_or_requeue(message)
    except OSError as exc:
        log.warning("ack lost with the broker connection; the broker redelivers",
                    error=repr(exc)[:200])


class ReplyChannel(SharedExtension):
    """Sends a service's RPC replies on one channel kept open, not through a publisher built
    for every reply as Nameko's responder does (bench/README.md, "RPC replies")."""

    def setup(self):
        self.amqp_uri = self.container.config[AMQP_URI_CONFIG_KEY]
        self._turn = Semaphore()
        self._connection: Connection | None = None
        self._channel = None

    def stop(self):
        self._close()

    def kill(self):
        self._close()

    def publish(self, body: bytes, exchange: str, routing_key: str,
                correlation_id: str | None) -> None:
        with self._turn:
            try:
                self._send(body, exchange, routing_key, correlation_id)
            except (OSError, AMQPError, KombuError):
                self._close()
                try:
                    self._send(body, exchange, routing_key, correlation_id)
                except (OSError, AMQPError, KombuError) as exc:
                    # the broker is out of reach: the caller's timeout covers the lost
                    # answer, and raising here would kill the whole service
                    self._close()
                    log.warning("rpc reply lost: broker unreachable", error=str(exc)[:200])

    def _send(self, body, exchange, routing_key, correlation_id) -> None:
        if self._channel is None:
            self._connection = Connection(self.amqp_uri, heartbeat=0, connect_timeout=5)
            # one attempt: the caller's timeout runs, and kombu's retries sleep for seconds
            self._connection.ensure_connection(max_retries=0)
            self._channel = self._connection.channel()
        message = self._channel.prepare_message(
            body, content_type="application/json", content_encoding="utf-8",
            properties={"correlation_id": correlation_id})
        self._channel.basic_publish(message, exchange=exchange, routing_key=routing_key)

    def _close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                connection.release()
            except Exception:  # noqa: BLE001 - it is being dropped anyway
                pass


class RpcConsumer(nameko.rpc.RpcConsumer):
    reply_channel = ReplyChannel()

    def handle_result(self, message, result, exc_info):
        if message.properties.get("content_type") != "application/json":
            return super().handle_result(message, result, exc_info)
        error = None if exc_info is None else serialize(exc_info[1])
        try:
            body = json.dumps({"result": result, "error": error}, ensure_ascii=False)
        except (TypeError, ValueError):
            # as Nameko does: the caller learns the answer could not be sent as JSON
            exc_info = (UnserializableValueError, UnserializableValueError(result), None)
            result = None
            body = json.dumps({"result": None, "error": serialize(exc_info[1])})
        self.reply_channel.publish(
            body.encode(), get_rpc_exchange(self.container.config).name,
            message.properties["reply_to"], message.properties.get("correlation_id"))
        _settle(self.queue_consumer.ack_message, message)
        return result, exc_info


class Rpc(nameko.rpc.Rpc):
    rpc_consumer = RpcConsumer()

    def handle_result(self, message, worker_ctx, result, exc_info):
        exc_info = _as_service_error(finish_transactions(worker_ctx, exc_info))
        if exc_info is not None:
            result = None
        return super().handle_result(message, worker_ctx, result, exc_info)


class Timer(nameko.timer.Timer):
    """Nameko's timer, ending the worker's transactions like the other entrypoints. Its
    ``interval`` may be a callable, read when the service starts (e.g. ``lambda:
    WorkflowSettings().deadline_check_interval_s``): importing a service then needs no
    settings, and the interval is the running process's."""

    def setup(self):
        if callable(self.interval):
            self.interval = float(self.interval())
        super().setup()

    def handle_result(self, worker_ctx, result, exc_info):
        exc_info = finish_transactions(worker_ctx, exc_info)
        return super().handle_result(worker_ctx, result, exc_info)


class Subscribe(EventHandler):
    """Handle ``event_type`` from ``source_service``; the handler receives an
    :class:`EventEnvelope` and must be idempotent (``claim`` or ``claim_later`` of the unit of
    work; a message that ``claim_later`` finds claimed before is acked as handled)."""

    def __init__(self, source_service, event_type, **kwargs):
        super().__init__(source_service, event_type, requeue_on_error=False, **kwargs)

    def setup(self):
        self.subscription = find_subscription(
            self.source_service, self.event_type, self.container.service_name
        )
        exchange = get_event_exchange(self.source_service, self.container.config)
        limit = self.container.config.get(DELIVERY_LIMIT_CONFIG_KEY) or delivery_limit()
        self.queue = Queue(self.subscription.queue, exchange=exchange,
                           routing_key=self.event_type, durable=True,
                           queue_arguments=consumer_queue_arguments(self.subscription.queue,
                                                                    int(limit)))
        self.retry_delays = list(self.container.config.get(RETRY_DELAYS_CONFIG_KEY) or [])
        # retries and dead letters go through this service's own exchange, never the default
        self.redelivery = Exchange(redelivery_exchange(self.container.service_name),
                                   type="direct", durable=True)
        self.dead_letter_queue = Queue(self.subscription.dead_letter_queue,
                                       exchange=self.redelivery,
                                       routing_key=self.subscription.dead_letter_queue,
                                       durable=True, queue_arguments=dead_letter_queue_arguments())
        self.retry_queues = [self._retry_queue(delay) for delay in self.retry_delays]
        amqp_uri = self.container.config["AMQP_URI"]
        with get_connection(amqp_uri) as connection:
            for queue in [self.dead_letter_queue, self.queue, *self.retry_queues]:
                queue.maybe_bind(connection)
                queue.declare()
            # an expired retry comes back to the consumer queue through this binding
            self.queue.bind_to(self.redelivery, routing_key=self.queue.name)
        self.publisher = Publisher(amqp_uri, use_confirms=True)
        self.batch_limit = max(1, int(self.container.config.get(BATCH_LIMIT_CONFIG_KEY) or 1))
        self._arrived: list[_Arrival] = []
        self._dispatch_scheduled = False
        self._suspects: list[_Arrival] = []
        self._suspects_running = False
        Consumer.setup(self)

    def _retry_queue(self, delay_ms: int) -> Queue:
        # the delay is in the name: queue arguments cannot change once declared
        name = self.subscription.retry_queue(delay_ms)
        return Queue(name, exchange=self.redelivery, routing_key=name, durable=True,
                     queue_arguments=retry_queue_arguments(self.subscription.queue, delay_ms))

    def handle_message(self, body, message):
        try:
            envelope = EventEnvelope.model_validate(body)
        except ValidationError as exc:
            try:
                self._dead_letter(body, message, "invalid envelope: " + str(exc)[:500])
            except (OSError, AMQPError, KombuError):
                return  # not acked: given again once the broker can be reached
            _settle(self.queue_consumer.ack_message, message)
            return
        context_data = self.unpack_message_headers(message)
        if envelope.request_id and "request_id" not in context_data:
            context_data["request_id"] = envelope.request_id
        if delivery_count(message) > 0:
            # a process died holding it: maybe it killed that process
            self._suspects.append(_Arrival(envelope, message, context_data))
            if not self._suspects_running:
                self._suspects_running = True
                self.container.spawn_managed_thread(
                    self._run_suspects,
                    identifier=f"Subscribe.suspects[{self.subscription.queue}]")
            return
        self._arrived.append(_Arrival(envelope, message, context_data))
        if not self._dispatch_scheduled:
            # runs once the messages delivered with this one have been appended too
            self._dispatch_scheduled = True
            self.container.spawn_managed_thread(
                self._dispatch, identifier=f"Subscribe.dispatch[{self.subscription.queue}]")

    def _dispatch(self):
        self._dispatch_scheduled = False
        while self._arrived:
            batch = self._arrived[:self.batch_limit]
            del self._arrived[:self.batch_limit]
            if len(batch) == 1:
                self._spawn_one(batch[0])
            else:
                self._spawn_batch(batch)

    def _run_suspects(self):
        """Messages given back by the broker, each on its own and one after another, so one
        that kills the process takes as few others with it (each of those is given back
        too, counting towards its delivery limit). Fewest deliveries first; among equals the
        latest delivered, since the broker gives back a dead consumer's messages in their
        first order and the one that killed it tends to come first."""
        try:
            while self._suspects:
                arrival = min(reversed(self._suspects),
                              key=lambda a: delivery_count(a.message))
                self._suspects.remove(arrival)
                done = Event()
                self._spawn_one(arrival, done)
                done.wait()
        finally:
            self._suspects_running = False

    def _spawn_one(self, arrival: _Arrival, done: Event | None = None):
        def handle_result(worker_ctx, result=None, exc_info=None):
            try:
                return self.handle_result(arrival.message, worker_ctx, result, exc_info)
            finally:
                if done is not None:
                    done.send()

        try:
            self.container.spawn_worker(self, (arrival.envelope,), {},
                                        context_data=arrival.context_data,
                                        handle_result=handle_result)
        except Exception:  # noqa: BLE001 - container being killed: the broker redelivers
            _settle(self.queue_consumer.requeue_message, arrival.message)
            if done is not None:
                done.send()

    def _spawn_batch(self, batch: list[_Arrival]):
        context_data = dict(batch[0].context_data)
        events = EventBatch([arrival.envelope for arrival in batch], context_data)
        handle_result = lambda worker_ctx, result=None, exc_info=None: (  # noqa: E731
            self.handle_batch_result(batch, worker_ctx, result, exc_info))
        try:
            self.container.spawn_worker(self, (events,), {}, context_data=context_data,
                                        handle_result=handle_result)
        except Exception:  # noqa: BLE001 - container being killed: the broker redelivers
            for arrival in batch:
                _settle(self.queue_consumer.requeue_message, arrival.message)

    def handle_batch_result(self, batch: list[_Arrival], worker_ctx, result=None,
                            exc_info=None):
        exc_info = finish_transactions(worker_ctx, exc_info)
        if exc_info is None:
            for arrival in batch:
                _settle(self.queue_consumer.ack_message, arrival.message)
            return result, None
        # rolled back as a whole: each event is handled again on its own, and only the one
        # that fails is retried or dead-lettered (and a duplicate is acked as handled)
        log.info("event batch failed; handling its events one by one",
                 queue=self.subscription.queue, events=len(batch),
                 error=type(exc_info[1]).__name__)
        # from a thread of its own: this worker must give back its place in the pool first
        self.container.spawn_managed_thread(
            lambda: [self._spawn_one(arrival) for arrival in batch],
            identifier=f"Subscribe.one_by_one[{self.subscription.queue}]")
        return None, exc_info

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if isinstance(result, _AlreadyHandled):
            exc_info = (type(result.error), result.error, None)  # roll back, not commit
        exc_info = finish_transactions(worker_ctx, exc_info)
        if exc_info is not None and is_duplicate_claim(exc_info[1]):
            # claimed later (``claim_later``) by a message handled before: nothing to do again
            log.info("event already handled", queue=self.subscription.queue,
                     message_id=message.properties.get("message_id"))
            exc_info = result = None
        if exc_info is not None:
            try:
                self._retry_or_dead_letter(message, exc_info)
            except (OSError, AMQPError, KombuError) as exc:
                # not acked: the broker gives the message again once it can be reached, and
                # raising here would kill the whole service
                log.warning("event left for redelivery: broker unreachable",
                            queue=self.subscription.queue, error=str(exc)[:200])
                return result, exc_info
        _settle(self.queue_consumer.ack_message, message)
        return result, exc_info

    def _retry_or_dead_letter(self, message, exc_info):
        attempt = int((message.headers or {}).get(RETRY_COUNT_HEADER, 0))
        # the error's text travels in headers anyone reading the queues sees: numbers masked
        error = mask_personal_data(
            "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip())
        if attempt < len(self.retry_queues):
            queue = self.retry_queues[attempt]
            log.warning("event handler failed; retrying later", queue=self.subscription.queue,
                        attempt=attempt + 1, delay_ms=self.retry_delays[attempt], error=error)
            self._republish(message.payload, message, queue,
                            {RETRY_COUNT_HEADER: attempt + 1, "x-last-error": error[:1000]})
        else:
            self._dead_letter(message.payload, message, error)

    def _dead_letter(self, body, message, reason):
        reason = mask_personal_data(reason)  # a pydantic error quotes the values it refused
        log.error("event dead-lettered", queue=self.subscription.queue, reason=reason)
        self._republish(body, message, self.dead_letter_queue, {
            "x-dead-letter-reason": reason[:2000],
            "x-original-queue": self.subscription.queue,
            "x-dead-lettered-at": now().isoformat(),
        })

    def _republish(self, body, message, queue: Queue, extra_headers: dict):
        headers = dict(message.headers or {})
        headers.update(extra_headers)
        # confirmed before the original is acked, so the message is never in neither queue
        self.publisher.publish(
            body, exchange=self.redelivery, routing_key=queue.name, declare=[queue],
            headers=headers,
            message_id=message.properties.get("message_id"),
        )


def delivery_count(message) -> int:
    """How often the broker gave this message back (a quorum queue's ``x-delivery-count``;
    a classic queue only says whether it did)."""
    count = (message.headers or {}).get("x-delivery-count")
    if count is not None:
        return int(count)
    return 1 if (message.delivery_info or {}).get("redelivered") else 0


@dataclass(frozen=True)
class _Arrival:
    envelope: EventEnvelope
    message: object
    context_data: dict


class EventBatch:
    """Events of one queue handed to one worker: the handler runs for each in turn, in one
    transaction, with the worker's request id switched to each event's (``context_data`` is
    the worker's own, which ``RequestContext`` reads)."""

    def __init__(self, envelopes: list[EventEnvelope], context_data: dict):
        self.envelopes = envelopes
        self.context_data = context_data

    def __iter__(self):
        for envelope in self.envelopes:
            self.context_data["request_id"] = envelope.request_id
            structlog.contextvars.bind_contextvars(request_id=envelope.request_id)
            yield envelope


class _AlreadyHandled:
    """What a handler returns instead of raising when its later claim failed: Nameko would
    log the duplicate as an error of the worker, where it is the claim working."""

    def __init__(self, error: BaseException):
        self.error = error


def subscribe(source_service: str, event_type: str, **kwargs):
    register = Subscribe.decorator(source_service, event_type, **kwargs)

    def decorate(handler):
        @functools.wraps(handler)
        def handling(service, *args, **call_kwargs):
            if args and isinstance(args[0], EventBatch):
                # anything failing fails the batch, which is then handled event by event
                for envelope in args[0]:
                    handler(service, envelope, *args[1:], **call_kwargs)
                return None
            try:
                return handler(service, *args, **call_kwargs)
            except Exception as exc:  # noqa: BLE001 - anything else is raised again
                if is_duplicate_claim(exc):
                    return _AlreadyHandled(exc)
                raise

        return register(handling)

    return decorate


def consume(source_service: str, event_type: str,
            use_case: Callable[[EventEnvelope, object], object], **kwargs):
    """A consumer that hands each event to its ``use_case(envelope, uow)`` with a unit of work
    of its own: ``on_case_opened = consume("workflow", "case_opened", record_case_opened)``."""

    def consumer(service, envelope):
        use_case(envelope, service._uow())

    consumer.__name__ = consumer.__qualname__ = f"on_{event_type}"
    consumer.__doc__ = use_case.__doc__
    return subscribe(source_service, event_type, **kwargs)(consumer)


rpc = Rpc.decorator
timer = Timer.decorator
