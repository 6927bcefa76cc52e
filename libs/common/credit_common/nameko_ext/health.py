"""The ``health`` answer every service gives."""

from __future__ import annotations

from nameko.amqp.publish import get_connection
from sqlalchemy import text

from credit_common.contracts.health import HealthStatus


def broker_reachable(amqp_uri: str) -> bool:
    try:
        with get_connection(amqp_uri) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - health answers false, it does not raise
        return False


def database_reachable(session) -> bool:
    try:
        session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001
        session.rollback()
        return False


def health_status(service: str, version: str, session, amqp_uri: str) -> dict:
    db_ok = database_reachable(session)
    broker_ok = broker_reachable(amqp_uri)
    return HealthStatus(service=service, version=version, database=db_ok, broker=broker_ok,
                        ok=db_ok and broker_ok).model_dump(mode="json")
