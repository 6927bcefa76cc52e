"""Calls timed one after another, each from its start to its answer, the first ``warmup``
left out: RPC through the gateway's own client, HTTP through the bench's lean client."""

from __future__ import annotations

import asyncio
import time

from gateway.rpc.client import RpcClient

from bench import http as bench_http


def time_rpc(amqp_uri: str, service: str, calls: list[tuple[str, dict]],
             warmup: int) -> list[float]:
    """``calls`` are ``(method, kwargs)`` of ``service``; latencies in ms."""

    async def run() -> list[float]:
        client = RpcClient(amqp_uri, timeout_s=10)
        if not await client.start(wait_s=5):
            raise RuntimeError("the gateway's RPC client did not connect within 5 s")
        try:
            latencies = []
            for i, (method, kwargs) in enumerate(calls):
                started = time.perf_counter()
                await client.call(service, method, kwargs=kwargs)
                if i >= warmup:
                    latencies.append((time.perf_counter() - started) * 1000)
            return latencies
        finally:
            await client.close()

    return asyncio.run(run())


def time_http(urls: list[str], warmup: int, headers: dict | None = None) -> list[float]:
    """GET each of ``urls`` (one server) on one kept-alive connection; latencies in ms."""
    latencies = []
    with bench_http.Client(urls[0], headers=headers) as client:
        for i, url in enumerate(urls):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            if i >= warmup:
                latencies.append((time.perf_counter() - started) * 1000)
    return latencies
