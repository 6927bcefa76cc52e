import asyncio
import os
import pathlib
import subprocess
import sys
import time

import pytest

from gateway.rpc.client import RpcClient, RpcError

HERE = pathlib.Path(__file__).parent


class ProbeProcess:
    """The probe service as a real process that a test can stop and start again."""

    def __init__(self, amqp_uri: str, log_path: pathlib.Path):
        self.amqp_uri = amqp_uri
        self.log_path = log_path
        self.process = None

    def start(self):
        env = {**os.environ, "AMQP_URI": self.amqp_uri}
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, str(HERE / "remote_service.py")],
                                        env=env, stdout=log, stderr=subprocess.STDOUT)
        asyncio.run(self._wait_answering())

    async def _wait_answering(self, timeout=30):
        client = RpcClient(self.amqp_uri, timeout_s=1)
        await client.start(wait_s=5)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    await client.call("gateway_probe", "echo", args=[1])
                    return
                except RpcError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise AssertionError(
                            f"probe service did not start: {self.log_path}") from None
                    await asyncio.sleep(0.1)
        finally:
            await client.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def probe(amqp_uri, tmp_path_factory):
    process = ProbeProcess(amqp_uri, tmp_path_factory.mktemp("probe") / "probe.log")
    process.start()
    yield process
    process.stop()
