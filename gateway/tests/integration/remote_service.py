"""A small Nameko service the gateway's RPC client is tested against, run as a real process:
``python remote_service.py`` with ``AMQP_URI`` set."""

import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import pathlib  # noqa: E402
import signal  # noqa: E402

from nameko.extensions import DependencyProvider  # noqa: E402
from nameko.rpc import rpc  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402

from credit_common.errors import NotFound  # noqa: E402

SERVICE_NAME = os.environ.get("REMOTE_SERVICE_NAME", "gateway_probe")


class WorkerContextData(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return {**worker_ctx.data, "call_id_stack": list(worker_ctx.call_id_stack)}


class ProbeService:
    name = SERVICE_NAME
    context_data = WorkerContextData()

    @rpc
    def echo(self, value):
        return value

    @rpc(expected_exceptions=NotFound)
    def find(self, key):
        raise NotFound("THING_NOT_FOUND", "未找到该事项", {"key": key})

    @rpc
    def slow(self, seconds):
        eventlet.sleep(seconds)
        return "done"

    @rpc
    def touch(self, path):
        pathlib.Path(path).write_text("ran")
        return path

    @rpc
    def context(self):
        return {k: v for k, v in self.context_data.items() if isinstance(v, (str, list))}


def main():
    runner = ServiceRunner({"AMQP_URI": os.environ["AMQP_URI"], "serializer": "json"})
    runner.add_service(ProbeService)
    runner.start()
    stopping = eventlet.event.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.send(None))
    eventlet.spawn(lambda: (stopping.wait(), runner.stop()))
    runner.wait()


if __name__ == "__main__":
    main()
