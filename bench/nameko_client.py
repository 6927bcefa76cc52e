"""Anchor (a): sequential echo calls through Nameko's own ``ClusterRpcProxy``, in an
eventlet-patched process of its own, kept running for the whole interleaved measurement.

Reads a number of calls per line on stdin, makes that many calls, and answers each line with
one line of JSON: the per-call latencies in milliseconds."""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402


def main() -> None:
    config = {"AMQP_URI": os.environ["AMQP_URI"], "serializer": "json"}
    with ClusterRpcProxy(config, timeout=10) as proxy:
        for line in sys.stdin:
            latencies = []
            for i in range(int(line)):
                started = time.perf_counter()
                proxy.bench_echo.echo({"n": i})
                latencies.append((time.perf_counter() - started) * 1000)
            sys.stdout.write(json.dumps(latencies) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
