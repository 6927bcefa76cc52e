"""The container health command, run as the image runs it (a process of its own): healthy
only on a 200 from the process's /healthz, unhealthy on a 503, on a port nobody serves, and
when a portless process's database and broker cannot be reached."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from credit_common.healthcheck import probe_url


def run_healthcheck(*args: str, **variables: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("METRICS_PORT", "GATEWAY_PORT")}
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


def test_the_port_comes_from_metrics_port_then_gateway_port():
    assert probe_url({"METRICS_PORT": "9100", "GATEWAY_PORT": "8000"}) == \
        "http://127.0.0.1:9100/healthz"
    assert probe_url({"METRICS_PORT": "0", "GATEWAY_PORT": "8000"}) == \
        "http://127.0.0.1:8000/healthz"
    assert probe_url({"GATEWAY_PORT": "8080"}) == "http://127.0.0.1:8080/healthz"
    assert probe_url({}) is None


def test_a_service_is_healthy_only_while_its_healthz_answers_200(healthz):
    answered = run_healthcheck(METRICS_PORT=str(healthz["port"]))
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


def test_a_portless_process_is_unhealthy_when_its_database_and_broker_cannot_be_reached():
    port = unused_port()
    answer = run_healthcheck(
        "--service", "intake",
        INTAKE_DATABASE_URL=f"postgresql+psycopg2://credit_intake_app@127.0.0.1:{port}/x",
        INTAKE_AMQP_URI=f"amqp://credit-intake:secret@127.0.0.1:{port}/",
        HEALTH_CHECK_TIMEOUT_S="1")
    assert answer.returncode == 1
    report = json.loads(answer.stdout.splitlines()[-1])
    assert report == {"service": "intake", "status": "degraded",
                      "checks": {"database": "unreachable", "broker": "unreachable"}}


def test_an_unknown_service_is_refused():
    assert run_healthcheck("--service", "nobody").returncode == 2
