"""Calls timed one after another, each from its start to its answer: a probe is opened once
and asked for blocks of calls (``block``), going round its list of calls; ``time_rpc`` and
``time_http`` time one list of calls with a probe and leave out the first ``warmup``."""

from __future__ import annotations

import asyncio
import itertools
import time

import httpx

from gateway.rpc.client import RpcClient

from bench import http as bench_http


class GatewayRpcProbe:
    """The gateway's own RPC client calling ``service`` with ``calls`` (``(method, kwargs)``),
    without HTTP, on an event loop of its own that lives across blocks."""

    def __init__(self, amqp_uri: str, service: str, calls: list[tuple[str, dict]]):
        self.loop = asyncio.new_event_loop()
        self.client = RpcClient(amqp_uri, timeout_s=10)
        self.service = service
        self.calls = itertools.cycle(calls)
        if not self.loop.run_until_complete(self.client.start(wait_s=5)):
            self.loop.close()
            raise RuntimeError("the gateway's RPC client did not connect within 5 s")

    def block(self, count: int) -> list[float]:
        async def run() -> list[float]:
            latencies = []
            for _ in range(count):
                method, kwargs = next(self.calls)
                started = time.perf_counter()
                await self.client.call(self.service, method, kwargs=kwargs)
                latencies.append((time.perf_counter() - started) * 1000)
            return latencies

        return self.loop.run_until_complete(run())

    def close(self) -> None:
        self.loop.run_until_complete(self.client.close())
        self.loop.close()


class HttpGetProbe:
    """GETs of ``urls`` (one server) over one keep-alive connection, like a browser, with the
    bench's lean client or, for comparison, with httpx."""

    def __init__(self, urls: list[str], *, headers: dict | None = None,
                 with_httpx: bool = False):
        self.urls = itertools.cycle(urls)
        self.client = httpx.Client(timeout=10, headers=headers) if with_httpx \
            else bench_http.Client(urls[0], headers=headers)

    def block(self, count: int) -> list[float]:
        latencies = []
        for _ in range(count):
            url = next(self.urls)
            started = time.perf_counter()
            self.client.get(url).raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
        return latencies

    def close(self) -> None:
        self.client.close()


def _timed(probe, count: int, warmup: int) -> list[float]:
    try:
        probe.block(warmup)
        return probe.block(count - warmup)
    finally:
        probe.close()


def time_rpc(amqp_uri: str, service: str, calls: list[tuple[str, dict]],
             warmup: int) -> list[float]:
    """``calls`` are ``(method, kwargs)`` of ``service``; latencies in ms."""
    return _timed(GatewayRpcProbe(amqp_uri, service, calls), len(calls), warmup)


def time_http(urls: list[str], warmup: int, headers: dict | None = None) -> list[float]:
    """GET each of ``urls`` (one server) on one kept-alive connection; latencies in ms."""
    return _timed(HttpGetProbe(urls, headers=headers), len(urls), warmup)
