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

    def __init_subclass__(cls, code: str | None = None, message: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default_code = code or cls.default_code
        cls.default_message = message or cls.default_message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(ServiceError, code="NOT_FOUND", message="未找到请求的资源"):
    """What was asked for does not exist, or is not the caller's to see."""


class ValidationFailed(ServiceError, code="VALIDATION_FAILED", message="请求数据不符合要求"):
    """The request breaks a rule of its fields or of the regulations."""


class Conflict(ServiceError, code="CONFLICT", message="请求与当前状态冲突"):
    """The request does not fit where the application, case or record now stands."""


class Forbidden(ServiceError, code="FORBIDDEN", message="无权执行此操作"):
    """The caller is known but may not do this."""


class Unauthenticated(ServiceError, code="UNAUTHENTICATED", message="请先登录"):
    """Not logged in, or a login that no longer holds (expired, revoked, wrong code)."""


class TooManyRequests(ServiceError, code="TOO_MANY_REQUESTS", message="操作过于频繁，请稍后再试"):
    """Over a rate limit."""


class Unavailable(ServiceError, code="SERVICE_UNAVAILABLE", message="服务暂时不可用，请稍后再试"):
    """A dependency did not answer in time."""


#: what a Nameko ``@rpc(expected_exceptions=...)`` should list: business outcomes, not crashes
EXPECTED = (NotFound, ValidationFailed, Conflict, Forbidden, Unauthenticated,
            TooManyRequests, Unavailable)
