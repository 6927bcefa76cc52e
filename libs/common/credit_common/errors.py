"""Errors that cross service boundaries.

A service raises one of these with a stable machine code and a Chinese message; Nameko
serialises it as ``{exc_path, exc_args}`` and the gateway maps the exception *type* to an HTTP
status with one table (``gateway.api.errors``). Business code never raises bare exceptions
at a caller.
"""

from __future__ import annotations

import json
from typing import Any


class ServiceError(Exception):
    """Base of every error a caller may see. ``args`` are (code, message, details)."""

    default_code = "SERVICE_ERROR"
    default_message = "服务处理失败"

    def __init__(self, code: str | None = None, message: str | None = None,
                 details: dict[str, Any] | None = None):
        self.code = code or self.default_code
        self.message = message or self.default_message
        self.details = details or {}
        # Nameko turns every non-string argument into its str(); as JSON text the details
        # keep their numbers and booleans on the way to the gateway
        super().__init__(self.code, self.message,
                         json.dumps(self.details, ensure_ascii=False, default=str))

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(ServiceError):
    default_code = "NOT_FOUND"
    default_message = "未找到请求的资源"


class ValidationFailed(ServiceError):
    default_code = "VALIDATION_FAILED"
    default_message = "请求数据不符合要求"


class Conflict(ServiceError):
    default_code = "CONFLICT"
    default_message = "请求与当前状态冲突"


class Forbidden(ServiceError):
    default_code = "FORBIDDEN"
    default_message = "无权执行此操作"


class Unauthenticated(ServiceError):
    """Not logged in, or a login that no longer holds (expired, revoked, wrong code)."""

    default_code = "UNAUTHENTICATED"
    default_message = "请先登录"


class TooManyRequests(ServiceError):
    default_code = "TOO_MANY_REQUESTS"
    default_message = "操作过于频繁，请稍后再试"


class Unavailable(ServiceError):
    default_code = "SERVICE_UNAVAILABLE"
    default_message = "服务暂时不可用，请稍后再试"


#: what a Nameko ``@rpc(expected_exceptions=...)`` should list: business outcomes, not crashes
EXPECTED = (NotFound, ValidationFailed, Conflict, Forbidden, Unauthenticated,
            TooManyRequests, Unavailable)
