"""One pure-ASGI middleware for what every request needs: a request id (taken from
``X-Request-ID`` or made, bound to the logs, echoed back and passed on to services), latency
metrics per route, a body size limit enforced while reading, and a last-resort 500 that still
has a code and a Chinese message. Pure ASGI rather than ``BaseHTTPMiddleware``: it adds no
extra task per request and streams the body instead of buffering it."""

from __future__ import annotations

import json
import time

import structlog
from prometheus_client import Histogram

from credit_common.logging import get_logger
from gateway.api.errors import error_body
from gateway.core.context import new_request_id, reset_request_id, set_request_id

log = get_logger(__name__)

REQUEST_SECONDS = Histogram(
    "gateway_request_seconds", "HTTP requests served by the gateway",
    ["method", "route", "status"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


DRAIN_LIMIT_BYTES = 32 * 1024 * 1024


class _BodyTooLarge(Exception):
    pass


#: routes that take file uploads get the larger limit
UPLOAD_PATH_SUFFIXES = ("/materials", "/documents/verify")


def _carries_nul(scope) -> bool:
    query = scope.get("query_string") or b""
    return "\x00" in scope.get("path", "") or b"\x00" in query or b"%00" in query


class GatewayMiddleware:
    def __init__(self, app, max_body_bytes: int, max_upload_body_bytes: int | None = None):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_body_bytes = max_upload_body_bytes or max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        headers = dict(scope.get("headers") or [])
        limit = (self.max_upload_body_bytes if scope.get("path", "").endswith(
            UPLOAD_PATH_SUFFIXES) else self.max_body_bytes)
        offered = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = new_request_id(offered)
        token = set_request_id(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        state = {"status": 500, "started": False, "too_large": False, "body_done": False}

        async def send_unless_too_large(message):
            if state["too_large"]:
                # the app saw the cut-off body as a parse error: answer what really happened
                if message["type"] == "http.response.start" and not state["started"]:
                    if not state["body_done"]:
                        await self._drain(receive)
                    await self._error(send_with_request_id, 413, "PAYLOAD_TOO_LARGE",
                                      self._too_large_message(limit))
                return
            await send_with_request_id(message)

        async def send_with_request_id(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-request-id", request_id.encode())]}
            await send(message)

        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                state["body_done"] = not message.get("more_body", False)
                received += len(message.get("body", b""))
                if received > limit:
                    state["too_large"] = True
                    raise _BodyTooLarge
            return message

        try:
            if _carries_nul(scope):
                # PostgreSQL cannot store it: refused here, not as a service's failure
                await self._error(send_with_request_id, 422, "VALIDATION_FAILED",
                                  "请求地址或参数中含有不允许的空字符")
                return
            declared = headers.get(b"content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise _BodyTooLarge
            await self.app(scope, limited_receive, send_unless_too_large)
        except _BodyTooLarge:
            if not state["started"]:
                if not state["body_done"]:
                    await self._drain(receive)
                await self._error(send_with_request_id, 413, "PAYLOAD_TOO_LARGE",
                                  self._too_large_message(limit))
        except Exception:  # noqa: BLE001 - the last resort: never a bare 500 page
            log.exception("unhandled gateway error", path=scope.get("path"))
            if not state["started"]:
                await self._error(send_with_request_id, 500, "INTERNAL_ERROR",
                                  "系统内部错误，请稍后再试")
        finally:
            route = scope.get("route")
            route_label = getattr(route, "path", None) or "<unmatched>"
            REQUEST_SECONDS.labels(scope["method"], route_label, str(state["status"])).observe(
                time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("request_id")
            reset_request_id(token)

    @staticmethod
    def _too_large_message(limit: int) -> str:
        return f"请求内容过大（上限 {limit} 字节）"

    async def _drain(self, receive) -> None:
        """Read (and drop) what the client is still sending, up to a bound, so it gets to
        read the 413 instead of a reset connection."""
        drained = 0
        while drained < DRAIN_LIMIT_BYTES:
            message = await receive()
            if message["type"] != "http.request":
                return
            drained += len(message.get("body", b""))
            if not message.get("more_body"):
                return

    @staticmethod
    async def _error(send, status: int, code: str, message: str) -> None:
        body = json.dumps(error_body(code, message), ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
