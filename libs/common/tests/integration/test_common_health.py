"""Health answers within its timeout and names the failing dependency, with the real broker
and database: one that refuses (a port nobody listens on) is ``unreachable`` at once, one that
hangs (a listener that never answers: the handshake completes, nothing more) is ``timeout``
within the check's timeout. Never a hang."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import rpc
from credit_common.nameko_ext.health import health_status
from credit_common.nameko_ext.observability import MetricsServer
from credit_common.testing.platform import free_port
from credit_common.testing.settings import service_settings

# the shared settings, reading notification's variables: these probes use its database
ProbeSettings = service_settings("notification")

CHECK_TIMEOUT_S = 0.5


@pytest.fixture
def hanging_port():
    """Accepts TCP connections (the kernel's backlog) and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield server.getsockname()[1]
    server.close()


def database_at(port: int, **overrides):
    base = ProbeSettings()
    template = base.database_url_template.replace("127.0.0.1:5432", f"127.0.0.1:{port}")
    assert f"127.0.0.1:{port}/" in template
    return ProbeSettings(database_url_template=template,
                         health_check_timeout_s=CHECK_TIMEOUT_S, **overrides)


def broker_at(amqp_uri: str, port: int) -> str:
    moved = amqp_uri.replace("127.0.0.1:5672", f"127.0.0.1:{port}")
    assert moved != amqp_uri
    return moved


def timed_health(settings, amqp_uri):
    started = time.monotonic()
    status = health_status("notification", "test", settings, amqp_uri)
    return status, time.monotonic() - started


def test_health_is_ok_when_both_answer(run_environment, amqp_uri):
    status, elapsed = timed_health(database_at(5432), amqp_uri)
    assert status["ok"] is True
    assert status["checks"] == {"database": "ok", "broker": "ok"}
    assert elapsed < CHECK_TIMEOUT_S


def test_a_database_that_refuses_is_named_unreachable_at_once(run_environment, amqp_uri):
    status, elapsed = timed_health(database_at(free_port()), amqp_uri)
    assert status["checks"] == {"database": "unreachable", "broker": "ok"}
    assert status["ok"] is False and status["database"] is False
    assert elapsed < CHECK_TIMEOUT_S


def test_a_database_that_hangs_is_named_timeout_within_the_check_timeout(
        run_environment, amqp_uri, hanging_port):
    status, elapsed = timed_health(database_at(hanging_port), amqp_uri)
    assert status["checks"] == {"database": "timeout", "broker": "ok"}
    assert CHECK_TIMEOUT_S <= elapsed < CHECK_TIMEOUT_S + 0.5


def test_a_broker_that_hangs_or_refuses_is_named(run_environment, amqp_uri, hanging_port):
    settings = database_at(5432)
    status, elapsed = timed_health(settings, broker_at(amqp_uri, hanging_port))
    assert status["checks"] == {"database": "ok", "broker": "timeout"}
    assert elapsed < CHECK_TIMEOUT_S + 0.5
    status, elapsed = timed_health(settings, broker_at(amqp_uri, free_port()))
    assert status["checks"] == {"database": "ok", "broker": "unreachable"}
    assert elapsed < CHECK_TIMEOUT_S + 0.5


_probe_settings = {}


class ProbeHealth:
    name = "probe_health"
    db = DatabaseSession(lambda: _probe_settings["settings"])
    metrics = MetricsServer(lambda: _probe_settings["settings"])

    @rpc
    def ping(self):
        return "pong"


def get_healthz(port: int) -> tuple[int, dict, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


@pytest.mark.parametrize("database", ["answering", "hanging"])
def test_the_metrics_port_healthz_answers_within_2_s_naming_the_database(
        run_environment, container_factory, nameko_config, hanging_port, database):
    port = free_port()
    _probe_settings["settings"] = database_at(5432 if database == "answering" else hanging_port,
                                              metrics_port=port)
    container_factory(ProbeHealth, nameko_config).start()
    status, body, elapsed = get_healthz(port)
    assert elapsed < 2
    if database == "answering":
        assert (status, body["status"], body["checks"]) == (
            200, "ok", {"database": "ok", "broker": "ok"})
    else:
        assert (status, body["status"], body["checks"]) == (
            503, "degraded", {"database": "timeout", "broker": "ok"})
    # liveness asks no dependency: a database that hangs is no reason to restart the process
    started = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=5) as response:
        assert (response.status, json.loads(response.read())["status"]) == (200, "ok")
    assert time.monotonic() - started < 0.5


def run_health_command(*args: str, **variables: str) -> subprocess.CompletedProcess:
    """``python -m credit_common.healthcheck`` as a container runs it: a process of its own."""
    return subprocess.run([sys.executable, "-m", "credit_common.healthcheck", *args],
                          env={**os.environ, **variables}, capture_output=True, text=True,
                          timeout=60)


def test_the_health_command_of_a_portless_process_checks_its_services_database_and_broker(
        run_environment, amqp_uri):
    answered = run_health_command("--service", "notification")
    assert answered.returncode == 0, answered.stdout + answered.stderr
    report = json.loads(answered.stdout.splitlines()[-1])
    assert report == {"service": "notification", "status": "ok",
                      "checks": {"database": "ok", "broker": "ok"}}
    refused = run_health_command(
        "--service", "notification",
        NOTIFICATION_DATABASE_URL=database_at(free_port()).database_url)
    assert refused.returncode == 1
    assert json.loads(refused.stdout.splitlines()[-1])["checks"] == {
        "database": "unreachable", "broker": "ok"}


@pytest.mark.parametrize("database", ["answering", "hanging"])
def test_the_health_command_of_a_service_reads_its_metrics_port(
        run_environment, container_factory, nameko_config, hanging_port, database):
    port = free_port()
    _probe_settings["settings"] = database_at(5432 if database == "answering" else hanging_port,
                                              metrics_port=port)
    container_factory(ProbeHealth, nameko_config).start()
    answered = run_health_command(METRICS_PORT=str(port))
    if database == "answering":
        assert answered.returncode == 0, answered.stderr
    else:
        assert answered.returncode == 1
        assert "503" in answered.stderr and "timeout" in answered.stderr
