"""Rate limits per client IP on what anyone can call without an account: the public
queries and every login or code route. Counted in Redis (``limits``' moving window), so all
gateway processes share one count; the client IP is uvicorn's, which takes X-Forwarded-For
only from the proxies in ``FORWARDED_ALLOW_IPS``."""

from __future__ import annotations

import json
import math
import time

from limits import parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from credit_common.logging import get_logger
from gateway.api.errors import error_body

log = get_logger(__name__)

#: the routes that send a code or check one, for applicants and officers alike
LOGIN_SUFFIXES = ("/auth/code", "/auth/login", "/auth/refresh", "/phones/code", "/phones")


def rule_of(method: str, path: str) -> str | None:
    """Which limit a request counts against, or None."""
    if path.startswith("/api/v1/public/"):
        return "public"
    if method == "POST" and path.startswith(("/api/v1/applicant/", "/api/v1/officer/")) \
            and path.endswith(LOGIN_SUFFIXES):
        return "login"
    return None


class RateLimitMiddleware:
    def __init__(self, app, storage_uri: str, prefix: str, limits: dict[str, str]):
        self.app = app
        self.limits = {rule: parse(text) for rule, text in limits.items()}
        self.storage = RedisStorage(storage_uri, implementation="redispy", key_prefix=prefix)
        self.limiter = MovingWindowRateLimiter(self.storage)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            rule = rule_of(scope["method"], scope.get("path", ""))
            if rule is not None:
                client = (scope.get("client") or ("unknown", 0))[0]
                retry_after = await self._refused(rule, client)
                if retry_after is not None:
                    return await self._too_many(send, retry_after)
        await self.app(scope, receive, send)

    async def _refused(self, rule: str, client: str) -> int | None:
        """Seconds to wait when this request is over the limit, else None."""
        limit = self.limits[rule]
        try:
            if await self.limiter.hit(limit, rule, client):
                return None
            reset_at, _remaining = await self.limiter.get_window_stats(limit, rule, client)
        except Exception as error:  # noqa: BLE001 - a Redis outage must not stop the public
            log.warning("rate limit store unavailable, request let through", rule=rule,
                        error=type(error).__name__)
            return None
        return max(1, math.ceil(reset_at - time.time()))

    @staticmethod
    async def _too_many(send, retry_after: int) -> None:
        body = json.dumps(error_body("RATE_LIMITED", f"请求过于频繁，请 {retry_after} 秒后再试",
                                     {"retry_after_s": retry_after}),
                          ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 429,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"retry-after", str(retry_after).encode())]})
        await send({"type": "http.response.body", "body": body})
