"""The ``health`` answer every service gives, and the ``/healthz`` of its metrics port.

Each dependency is checked on a connection of its own (never the workers' pool, which a
stalled database can hold), in its own greenthread under its own timeout, so the answer
comes within ``HEALTH_CHECK_TIMEOUT_S`` and names what failed: ``unreachable`` (refused or
broken) or ``timeout`` (no answer in time).
"""

from __future__ import annotations

import eventlet
import psycopg2
from kombu import Connection

from credit_common.contracts.health import HealthStatus
from credit_common.logging import get_logger

log = get_logger(__name__)

#: how long each check may take when the caller names no timeout
DEFAULT_CHECK_TIMEOUT_S = 1.0


def check_broker(amqp_uri: str, timeout_s: float) -> None:
    connection = Connection(amqp_uri, connect_timeout=timeout_s, heartbeat=0)
    try:
        # one attempt: kombu's retries sleep for seconds
        connection.ensure_connection(max_retries=0)
    finally:
        connection.release()


def check_database(dsn: str, timeout_s: float, connect_args: dict | None = None) -> None:
    # libpq rounds connect_timeout up to 2 s: the greenthread's timeout is what bounds it
    connection = psycopg2.connect(dsn, **{**(connect_args or {}), "connect_timeout": 2},
                                  application_name="health")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def run_checks(checks: dict, timeout_s: float) -> dict[str, str]:
    """name -> callable; every check runs at once, each under ``timeout_s``."""
    results: dict[str, str] = {}

    def one(name, check):
        try:
            with eventlet.Timeout(timeout_s):
                check()
            results[name] = "ok"
        except eventlet.Timeout:
            results[name] = "timeout"
        except Exception as exc:  # noqa: BLE001 - health names the failure, it does not raise
            log.warning("health check failed", dependency=name, error=repr(exc)[:200])
            results[name] = "unreachable"

    pool = eventlet.GreenPool(len(checks) or 1)
    for name, check in checks.items():
        pool.spawn_n(one, name, check)
    pool.waitall()
    return {name: results.get(name, "timeout") for name in checks}


def service_checks(settings, amqp_uri: str, timeout_s: float) -> dict:
    from credit_common.relay import libpq_dsn

    dsn = libpq_dsn(settings.database_url)
    return {
        "database": lambda: check_database(dsn, timeout_s, settings.connect_args()),
        "broker": lambda: check_broker(amqp_uri, timeout_s),
    }


def health_status(service: str, version: str, settings, amqp_uri: str) -> dict:
    timeout_s = settings.health_check_timeout_s
    checks = run_checks(service_checks(settings, amqp_uri, timeout_s), timeout_s)
    db_ok, broker_ok = checks["database"] == "ok", checks["broker"] == "ok"
    return HealthStatus(service=service, version=version, database=db_ok, broker=broker_ok,
                        ok=db_ok and broker_ok, checks=checks).model_dump(mode="json")
