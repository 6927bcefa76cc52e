"""The gateway's unit tests replace its RPC client with a scripted fake."""

from __future__ import annotations

import pytest


class FakeRpc:
    """Answers ``(service, method)`` from a script; records every call."""

    def __init__(self):
        self.script = {}
        self.calls = []

    async def start(self, wait_s=None):
        return True

    async def close(self):
        pass

    async def call(self, service, method, *, args=(), kwargs=None, timeout_s=None,
                   request_id=None):
        self.calls.append({"service": service, "method": method, "kwargs": kwargs,
                           "timeout_s": timeout_s, "request_id": request_id})
        answer = self.script.get((service, method), {"service": service, "ok": True})
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def rpc():
    return FakeRpc()
