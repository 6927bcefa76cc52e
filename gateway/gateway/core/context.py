"""The request id of the HTTP request being served (one per asyncio task)."""

from __future__ import annotations

import contextvars
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

#: a caller's id is kept only if it is safe to log and to pass on in AMQP headers
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def new_request_id(offered: str | None = None) -> str:
    if offered and _ACCEPTABLE.match(offered):
        return offered
    return uuid.uuid4().hex


def set_request_id(request_id: str) -> contextvars.Token:
    return _request_id.set(request_id)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def current_request_id() -> str:
    return _request_id.get()
