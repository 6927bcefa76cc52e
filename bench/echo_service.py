"""The anchor's service: a Nameko echo RPC with nothing else (``python -m bench.echo_service``)."""

import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import signal  # noqa: E402

from nameko.rpc import rpc  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402


class BenchEchoService:
    name = "bench_echo"

    @rpc
    def echo(self, value):
        return value


def main():
    runner = ServiceRunner({"AMQP_URI": os.environ["AMQP_URI"], "serializer": "json"})
    runner.add_service(BenchEchoService)
    runner.start()
    stopping = eventlet.event.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.send(None))
    eventlet.spawn(lambda: (stopping.wait(), runner.stop()))
    runner.wait()


if __name__ == "__main__":
    main()
