"""Anchor (a): sequential echo calls through Nameko's own ``ClusterRpcProxy``, in an
eventlet-patched process of its own. Prints the per-call latencies (ms) as JSON."""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402


def main(calls: int, warmup: int) -> None:
    config = {"AMQP_URI": os.environ["AMQP_URI"], "serializer": "json"}
    with ClusterRpcProxy(config, timeout=10) as proxy:
        for _ in range(warmup):
            proxy.bench_echo.echo("warm-up")
        latencies = []
        for i in range(calls):
            started = time.perf_counter()
            proxy.bench_echo.echo({"n": i})
            latencies.append((time.perf_counter() - started) * 1000)
    json.dump(latencies, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
