"""The anchor's service: a Nameko echo RPC with nothing else (``python -m bench.echo_service``)."""

import eventlet

eventlet.monkey_patch()

import os  # noqa: E402

from nameko.cli.run import run  # noqa: E402
from nameko.rpc import rpc  # noqa: E402


class BenchEchoService:
    name = "bench_echo"

    @rpc
    def echo(self, value):
        return value


def main():
    # what ``nameko run`` does: stops the service on SIGTERM, and on Ctrl-C
    run([BenchEchoService], {"AMQP_URI": os.environ["AMQP_URI"], "serializer": "json"})


if __name__ == "__main__":
    main()
