"""The gateway's RPC client: Nameko's RPC protocol spoken over one asyncio pika connection.

Why not Nameko's own ``ClusterRpcProxy``: it needs eventlet's monkey-patching, which would
fight uvicorn's event loop, and it waits for a reply forever. This client keeps one
connection and one exclusive reply queue per gateway process and multiplexes every call
over them by correlation id. Each call has a deadline; a call nobody can receive (no queue
bound for ``<service>.<method>``) comes back from the broker as a returned message and
fails at once; after a broker restart the client reconnects with backoff while callers get
``ServiceUnavailable`` instead of hanging.

The protocol, as Nameko 2.14 speaks it: requests go to the topic exchange ``nameko-rpc``
with routing key ``<service>.<method>`` and a JSON body ``{"args": [...], "kwargs": {...}}``;
``reply_to`` names a routing key on the same exchange and ``correlation_id`` ties the answer
``{"result": ..., "error": {exc_type, exc_path, exc_args, value} | null}`` to its call.
Context travels in ``nameko.*`` headers, so the request id reaches the worker's logs.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pika
from pika.adapters.asyncio_connection import AsyncioConnection
from prometheus_client import Histogram

from credit_common.logging import get_logger

log = get_logger(__name__)

RPC_EXCHANGE = "nameko-rpc"

RPC_SECONDS = Histogram(
    "gateway_rpc_seconds", "RPC calls from the gateway to a service, by outcome",
    ["service", "method", "outcome"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RpcError(Exception):
    """Base of what a call can raise."""


class ServiceUnavailable(RpcError):
    """The call could not be delivered: no broker connection, or nobody serves the method."""

    def __init__(self, service: str, reason: str):
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class RpcTimeout(RpcError):
    def __init__(self, service: str, method: str, timeout_s: float):
        super().__init__(f"{service}.{method} did not answer within {timeout_s} s")
        self.service = service
        self.method = method
        self.timeout_s = timeout_s


class RemoteError(RpcError):
    """The service raised. ``exc_path`` names the exception class, ``exc_args`` its args:
    for the platform's own errors ``(code, message, details)``."""

    def __init__(self, service: str, exc_type: str, exc_path: str, exc_args: list, value: str):
        super().__init__(f"{service}: {exc_type} {value}")
        self.service = service
        self.exc_type = exc_type
        self.exc_path = exc_path
        self.exc_args = exc_args
        self.value = value


class _OneWriteConnection(AsyncioConnection):
    """A message's frames to the socket in one write, not one TCP segment each as pika would
    (bench/README.md, "The gateway's request in one write")."""

    def _output_marshaled_frames(self, marshaled_frames) -> None:
        data = b"".join(marshaled_frames)
        self.bytes_sent += len(data)
        self.frames_sent += len(marshaled_frames)
        self._adapter_emit_data(data)


@dataclass
class _PendingCall:
    service: str
    method: str
    future: asyncio.Future = field(repr=False)


class RpcClient:
    def __init__(self, amqp_uri: str, *, timeout_s: float = 5.0,
                 connection_name: str = "credit-gateway",
                 reconnect_delays_s: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0)):
        self.amqp_uri = amqp_uri
        self.timeout_s = timeout_s
        self.connection_name = connection_name
        self.reconnect_delays_s = reconnect_delays_s
        self._pending: dict[str, _PendingCall] = {}
        self._connection: AsyncioConnection | None = None
        self._channel = None
        self._reply_to: str | None = None
        self._ready = asyncio.Event()
        self._closing = False
        self._attempt = 0
        self._reconnect_handle: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self, wait_s: float | None = None) -> bool:
        """Begin connecting; with ``wait_s``, wait that long for the reply queue to be ready.
        Returns whether it is ready. A broker that is down is not an error: calls answer
        ``ServiceUnavailable`` until the client has reconnected."""
        self._loop = asyncio.get_running_loop()
        self._closing = False
        self._connect()
        if wait_s:
            try:
                await asyncio.wait_for(self._ready.wait(), wait_s)
            except TimeoutError:
                pass
        return self._ready.is_set()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def close(self) -> None:
        self._closing = True
        if self._reconnect_handle is not None:
            self._reconnect_handle.cancel()
        self._fail_pending("the gateway is shutting down")
        connection = self._connection
        if connection is not None and not (connection.is_closed or connection.is_closing):
            closed = asyncio.get_running_loop().create_future()
            self._on_closed_waiter = closed
            connection.close()
            try:
                await asyncio.wait_for(closed, 2)
            except TimeoutError:
                pass
        self._ready.clear()

    def _connect(self) -> None:
        self._reconnect_handle = None
        params = pika.URLParameters(self.amqp_uri)
        params.client_properties = {"connection_name": self.connection_name}
        params.connection_attempts = 1
        params.socket_timeout = 2
        params.blocked_connection_timeout = 10
        self._connection = _OneWriteConnection(
            params, on_open_callback=self._on_connection_open,
            on_open_error_callback=self._on_connection_open_error,
            on_close_callback=self._on_connection_closed, custom_ioloop=self._loop)

    def _schedule_reconnect(self) -> None:
        if self._closing or self._reconnect_handle is not None:
            return
        delay = self.reconnect_delays_s[min(self._attempt, len(self.reconnect_delays_s) - 1)]
        self._attempt += 1
        self._reconnect_handle = self._loop.call_later(delay, self._connect)

    def _on_connection_open(self, connection) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_connection_open_error(self, _connection, error) -> None:
        log.warning("broker connection failed", error=str(error), attempt=self._attempt + 1)
        self._schedule_reconnect()

    def _on_connection_closed(self, _connection, reason) -> None:
        was_ready = self._ready.is_set()
        self._ready.clear()
        self._channel = None
        self._fail_pending("the broker connection was lost")
        waiter = getattr(self, "_on_closed_waiter", None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        if not self._closing:
            if was_ready:
                log.warning("broker connection lost; reconnecting", reason=str(reason))
            self._schedule_reconnect()

    def _on_channel_open(self, channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_returned)
        channel.exchange_declare(RPC_EXCHANGE, exchange_type="topic", durable=True,
                                 callback=lambda _frame: self._declare_reply_queue(channel))

    def _declare_reply_queue(self, channel) -> None:
        reply_to = str(uuid.uuid4())
        queue = f"rpc.reply-gateway-{reply_to}"

        def bound(_frame):
            channel.basic_consume(queue, self._on_reply, auto_ack=True)
            self._reply_to = reply_to
            self._attempt = 0
            self._ready.set()
            log.info("rpc client ready", reply_queue=queue)

        channel.queue_declare(queue, exclusive=True, auto_delete=True, callback=lambda _f: (
            channel.queue_bind(queue, RPC_EXCHANGE, routing_key=reply_to, callback=bound)))

    def _on_channel_closed(self, _channel, reason) -> None:
        self._ready.clear()
        self._channel = None
        self._fail_pending("the broker channel was closed")
        connection = self._connection
        if not self._closing and connection is not None and connection.is_open:
            log.warning("rpc channel closed; reopening", reason=str(reason))
            connection.close()  # the close callback reconnects from a clean state

    def _fail_pending(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        for call in pending.values():
            if not call.future.done():
                call.future.set_exception(ServiceUnavailable(call.service, reason))

    # -- calls ------------------------------------------------------------------------------

    async def call(self, service: str, method: str, *, args: list | tuple = (),
                   kwargs: dict[str, Any] | None = None, timeout_s: float | None = None,
                   request_id: str | None = None) -> Any:
        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await self._call(service, method, list(args), kwargs or {}, timeout_s,
                                      request_id)
            outcome = "ok"
            return result
        except RemoteError:
            outcome = "remote_error"
            raise
        except RpcTimeout:
            outcome = "timeout"
            raise
        except ServiceUnavailable:
            outcome = "unavailable"
            raise
        finally:
            RPC_SECONDS.labels(service, method, outcome).observe(time.perf_counter() - started)

    async def _call(self, service, method, args, kwargs, timeout_s, request_id):
        deadline = time.monotonic() + timeout_s
        if not self._ready.is_set():
            try:
                await asyncio.wait_for(self._ready.wait(), min(timeout_s, 1.0))
            except TimeoutError:
                raise ServiceUnavailable(service, "the broker is not reachable") from None
        channel = self._channel
        if channel is None or not channel.is_open:
            raise ServiceUnavailable(service, "the broker is not reachable")

        correlation_id = uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = _PendingCall(service, method, future)
        headers = {"nameko.call_id_stack": [f"gateway.{service}.{method}.{correlation_id}"]}
        if request_id:
            headers["nameko.request_id"] = request_id
        remaining = max(deadline - time.monotonic(), 0.001)
        properties = pika.BasicProperties(
            content_type="application/json", content_encoding="utf-8",
            reply_to=self._reply_to, correlation_id=correlation_id, headers=headers,
            # a request nobody picked up before the caller gave up must not run later
            expiration=str(max(int(remaining * 1000), 1)),
        )
        try:
            channel.basic_publish(
                RPC_EXCHANGE, f"{service}.{method}",
                json.dumps({"args": args, "kwargs": kwargs}, ensure_ascii=False).encode(),
                properties, mandatory=True)
        except Exception as exc:  # noqa: BLE001 - channel died between the check and the send
            self._pending.pop(correlation_id, None)
            raise ServiceUnavailable(service, f"publish failed: {exc}") from None
        try:
            return await asyncio.wait_for(future, remaining)
        except TimeoutError:
            raise RpcTimeout(service, method, timeout_s) from None
        finally:
            self._pending.pop(correlation_id, None)

    def _on_returned(self, _channel, method, properties, _body) -> None:
        call = self._pending.pop(properties.correlation_id or "", None)
        if call is not None and not call.future.done():
            call.future.set_exception(ServiceUnavailable(
                call.service, f"no running instance serves {method.routing_key}"))

    def _on_reply(self, _channel, _method, properties, body) -> None:
        call = self._pending.pop(properties.correlation_id or "", None)
        if call is None or call.future.done():
            return  # the caller timed out already
        try:
            payload = json.loads(body)
        except ValueError:
            call.future.set_exception(RemoteError(call.service, "MalformedReply", "", [],
                                                  "the reply is not JSON"))
            return
        error = payload.get("error")
        if error:
            call.future.set_exception(RemoteError(
                call.service, error.get("exc_type", ""), error.get("exc_path", ""),
                list(error.get("exc_args") or []), error.get("value", "")))
        else:
            call.future.set_result(payload.get("result"))
