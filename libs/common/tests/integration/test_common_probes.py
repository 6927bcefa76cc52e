"""The exec probes of the port-less processes, on the run's real broker and databases: ready
when both answer as the process's own users; a relay whose broker is out of reach is not
ready, yet its loop keeps its liveness file fresh (an outage is no reason to restart it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from credit_common.testing import isolation
from credit_common.testing.platform import wait_until

SERVICES = ("intake", "workflow", "notification", "disclosure")


def run_probe(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "credit_common.probe", *args], env=env,
                          capture_output=True, text=True, timeout=30)


@pytest.fixture
def run_env(test_run_id, amqp_uri, database_urls):
    return {**os.environ, **isolation.environment(test_run_id)}


@pytest.mark.parametrize("service", SERVICES)
def test_ready_passes_when_the_services_database_and_broker_answer(run_env, service):
    result = run_probe(run_env, "ready", service)
    assert (result.returncode, result.stderr) == (0, "")


def test_a_relay_cut_off_from_the_broker_is_not_ready_but_stays_alive(run_env, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nowhere = sock.getsockname()[1]
    liveness = tmp_path / "alive"
    env = {**run_env, "LIVENESS_FILE": str(liveness), "RELAY_POLL_INTERVAL_S": "0.2",
           "NOTIFICATION_AMQP_URI": f"amqp://credit-notification:x@127.0.0.1:{nowhere}/"}
    with open(tmp_path / "relay.log", "wb") as log:
        relay = subprocess.Popen([sys.executable, "-m", "notification", "relay"], env=env,
                                 stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(liveness.exists, timeout=20, message="the relay's first heartbeat")
        os.utime(liveness, (time.time() - 300, time.time() - 300))
        # the relay retries the broker every few seconds; each attempt goes round the loop
        wait_until(lambda: time.time() - liveness.stat().st_mtime < 60, timeout=30,
                   message="a heartbeat during the broker outage")
        assert relay.poll() is None
        alive = run_probe(env, "alive", "--max-age", "60")
        assert (alive.returncode, alive.stderr) == (0, "")
        ready = run_probe(env, "ready", "notification")
        assert ready.returncode == 1
        assert ready.stderr.strip().startswith("notification 无法连接消息服务器")
    finally:
        relay.terminate()
        relay.wait(10)
