"""The health command, run as a container or an exec probe runs it (a process of its own):
the port probe is healthy only on a 200 from the process's /healthz; ``--service`` is ready
only while the service's database (and broker) answer; ``--alive`` only while the liveness file
its loop touches is fresh. And the heartbeat that touches that file."""

from __future__ import annotations

import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

import pytest

from credit_common.healthcheck import liveness_problem, main, probe_url
from credit_common.liveness import Heartbeat

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PORT_VARIABLES = ("METRICS_PORT", "METRICS_HOST", "GATEWAY_PORT", "GATEWAY_HOST",
                  "LIVENESS_FILE")


def run_healthcheck(*args: str, **variables: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in PORT_VARIABLES}
    return subprocess.run([sys.executable, "-m", "credit_common.healthcheck", *args],
                          env={**environment, **variables}, capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
def healthz():
    """A /healthz that answers with the status in ``state["status"]``."""
    state = {"status": 200, "paths": []}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            state["paths"].append(self.path)
            body = json.dumps({"status": "ok" if state["status"] == 200 else "degraded"})
            self.send_response(state["status"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["port"] = server.server_address[1]
    yield state
    server.shutdown()
    server.server_close()


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def age(path) -> float:
    return time.time() - os.stat(path).st_mtime


# -- the port probe (the image's HEALTHCHECK) -----------------------------------------------

def test_the_port_comes_from_metrics_port_then_gateway_port():
    assert probe_url({"METRICS_PORT": "9100", "GATEWAY_PORT": "8000"}) == \
        "http://127.0.0.1:9100/healthz"
    assert probe_url({"METRICS_PORT": "0", "GATEWAY_PORT": "8000"}) == \
        "http://127.0.0.1:8000/healthz"
    assert probe_url({"GATEWAY_PORT": "8080"}) == "http://127.0.0.1:8080/healthz"
    assert probe_url({}) is None


def test_the_probe_asks_the_address_the_port_listens_on():
    # every interface (a container's 0.0.0.0) includes loopback, where the probe runs
    for wildcard in ("0.0.0.0", "::", ""):
        assert probe_url({"METRICS_PORT": "9100", "METRICS_HOST": wildcard}) == \
            "http://127.0.0.1:9100/healthz"
    assert probe_url({"METRICS_PORT": "9100", "METRICS_HOST": "10.1.2.3"}) == \
        "http://10.1.2.3:9100/healthz"
    assert probe_url({"GATEWAY_PORT": "8000", "GATEWAY_HOST": "::1",
                      "METRICS_HOST": "10.1.2.3"}) == "http://[::1]:8000/healthz"


def test_a_service_is_healthy_only_while_its_healthz_answers_200(healthz):
    answered = run_healthcheck(METRICS_PORT=str(healthz["port"]), METRICS_HOST="0.0.0.0")
    assert answered.returncode == 0, answered.stderr
    assert healthz["paths"] == ["/healthz"]
    healthz["status"] = 503
    degraded = run_healthcheck(METRICS_PORT=str(healthz["port"]))
    assert degraded.returncode == 1
    assert "503" in degraded.stderr and "degraded" in degraded.stderr


def test_the_gateway_is_probed_on_its_own_port(healthz):
    assert run_healthcheck(GATEWAY_PORT=str(healthz["port"])).returncode == 0
    healthz["status"] = 503
    assert run_healthcheck(GATEWAY_PORT=str(healthz["port"])).returncode == 1


def test_a_port_nobody_serves_is_unhealthy():
    answer = run_healthcheck(METRICS_PORT=str(unused_port()))
    assert answer.returncode == 1
    assert "无法访问" in answer.stderr


def test_a_process_without_a_port_must_name_its_service():
    answer = run_healthcheck()
    assert answer.returncode == 1
    assert "--service" in answer.stderr


def test_the_port_probe_and_the_liveness_check_import_no_settings(tmp_path):
    # each runs every few seconds in every container: pydantic would cost more than the answer
    liveness = tmp_path / "alive"
    liveness.touch()
    script = ("import sys; from credit_common.healthcheck import main; "
              "codes = [main([]), main(['--alive'])]; "
              "print(codes, sorted(m for m in sys.modules if m.split('.')[0] in "
              "('pydantic', 'eventlet', 'credit_common')))")
    answer = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
        env={**os.environ, "METRICS_PORT": str(unused_port()), "LIVENESS_FILE": str(liveness)})
    assert answer.stdout.splitlines()[-1] == \
        "[1, 0] ['credit_common', 'credit_common.healthcheck']", answer.stderr


# -- --service: a portless process's readiness ----------------------------------------------

def test_a_portless_process_is_not_ready_while_its_database_and_broker_cannot_be_reached():
    port = unused_port()
    started = time.monotonic()
    answer = run_healthcheck(
        "--service", "intake", "--timeout", "2",
        INTAKE_DATABASE_URL=f"postgresql+psycopg2://credit_intake_app@127.0.0.1:{port}/x",
        INTAKE_AMQP_URI=f"amqp://credit-intake:secret@127.0.0.1:{port}/")
    assert time.monotonic() - started < 30
    assert answer.returncode == 1
    report = json.loads(answer.stdout.splitlines()[-1])
    assert report == {"service": "intake", "status": "degraded",
                      "checks": {"database": "unreachable", "broker": "unreachable"}}
    assert [line.split("：")[0] for line in answer.stderr.splitlines()] == [
        "intake 无法连接数据库", "intake 无法连接消息服务器"]


def test_a_process_without_a_broker_is_ready_on_its_database_alone():
    port = unused_port()
    answer = run_healthcheck(
        "--service", "workflow", "--no-broker",
        WORKFLOW_DATABASE_URL=f"postgresql+psycopg2://credit_workflow_app@127.0.0.1:{port}/w",
        HEALTH_CHECK_TIMEOUT_S="1")
    assert answer.returncode == 1
    assert json.loads(answer.stdout.splitlines()[-1])["checks"] == {"database": "unreachable"}
    assert answer.stderr.splitlines() == ["workflow 无法连接数据库：unreachable"]


@pytest.mark.parametrize("args", [
    ["--service", "nobody"],
    ["--service", "gateway"],  # the gateway serves a port: the port probe checks it
    ["--service", "intake", "--alive"],
    ["--no-broker"],
    ["--alive", "--timeout", "5"],
    ["--max-age", "60"],
])
def test_a_wrong_call_is_refused(args):
    # a process of its own: --service patches the interpreter with eventlet
    assert run_healthcheck(*args).returncode == 2


# -- --alive: the liveness file a loop touches ----------------------------------------------

def test_alive_passes_on_a_fresh_file_and_names_a_stale_missing_or_unset_one(tmp_path,
                                                                           monkeypatch):
    path = tmp_path / "alive"
    assert liveness_problem(str(path), 120).startswith(f"存活文件 {path} 不存在")
    Heartbeat(str(path)).beat()
    assert liveness_problem(str(path), 120) is None
    os.utime(path, (time.time() - 300, time.time() - 300))
    stale = liveness_problem(str(path), 120)
    assert "未更新" in stale and "120" in stale
    assert CHINESE.search(liveness_problem(None, 120))
    monkeypatch.setenv("LIVENESS_FILE", str(path))
    assert main(["--alive", "--max-age", "120"]) == 1
    assert main(["--alive"]) == 1  # 120 s unless told
    assert main(["--alive", "--max-age", "600"]) == 0
    monkeypatch.delenv("LIVENESS_FILE")
    assert main(["--alive", "--max-age", "600"]) == 1


def test_a_heartbeat_touches_its_file_at_most_once_per_interval(tmp_path):
    path = tmp_path / "alive"
    heartbeat = Heartbeat(str(path), every_s=60)
    heartbeat.beat()
    assert path.exists()
    os.utime(path, (time.time() - 500, time.time() - 500))
    heartbeat.beat()  # within the interval: not written again
    assert age(path) > 400
    Heartbeat(str(path), every_s=0).beat()
    assert age(path) < 5


def test_a_heartbeat_without_a_file_writes_nothing_and_one_it_cannot_write_does_not_raise(
        tmp_path):
    Heartbeat(None).beat()
    Heartbeat("").beat()
    Heartbeat(str(tmp_path / "missing-folder" / "alive")).beat()
    assert list(tmp_path.iterdir()) == []
