"""An error the gateway itself answers (not a service's): status, stable code, Chinese
message. Rendered by ``gateway.api.errors`` in the one error shape."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str,
                 details: dict[str, Any] | None = None):
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
