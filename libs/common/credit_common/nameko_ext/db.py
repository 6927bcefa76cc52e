"""A SQLAlchemy 2 session per Nameko worker, committed when the worker succeeds and rolled
back when it fails (nameko-sqlalchemy pins SQLAlchemy < 2, hence this small provider).

Nameko 2.14 sends an RPC reply, or acks an event, *before* it calls the dependencies'
``worker_result``. Committing there would tell a caller "saved" before the commit, and an
event would be acked even if its commit failed. So the project's entrypoints
(``credit_common.nameko_ext.entrypoints``) call :func:`finish_transactions` first, and only
then reply or ack; ``worker_result`` is a safety net that rolls back whatever is left open.

The engine is built in ``setup()`` (never at import) and disposed on ``stop()``. Under
``nameko run`` eventlet has patched psycopg2, so a query waiting on PostgreSQL yields the hub
to other workers (the pg_sleep test proves it).
"""

from __future__ import annotations

import sys

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from credit_common.deferred_writes import BatchingConnection
from credit_common.settings import ServiceSettings
from credit_common.unit_of_work import READ_ONLY_BIND


def build_engine(settings: ServiceSettings, autocommit: bool = False) -> Engine:
    """``autocommit`` builds the pool reads use: its connections never open a transaction,
    and never need their isolation level put back when they return to the pool (one round
    trip a request that a per-checkout switch would cost)."""
    return create_engine(
        settings.database_url,
        **({"isolation_level": "AUTOCOMMIT"} if autocommit else {}),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        # a pre-ping is one more round trip on every call; a connection PostgreSQL dropped
        # fails one call (503 DATABASE_UNAVAILABLE) and the pool is invalidated instead
        pool_pre_ping=False,
        pool_recycle=1800,
        # an error's text names the statement, never its values (phones, ID numbers) to a log
        hide_parameters=True,
        connect_args={
            # connect and TCP timeouts here; statement and idle-in-transaction timeouts are
            # the application role's own, set in its database (credit_common.db_admin)
            **settings.connect_args(),
            # timestamps come back as Asia/Shanghai, as the API conventions show them
            "options": "-c timezone=Asia/Shanghai",
            "application_name": settings.service_name,
            # writes: BEGIN with the first statement, COMMIT with the last writes
            **({} if autocommit else {"connection_factory": BatchingConnection}),
        },
    )


class DatabaseSession(DependencyProvider):
    """Injects a ``Session``; the transaction ends with the worker."""

    def __init__(self, settings_factory):
        self.settings_factory = settings_factory
        self.sessions: dict = {}

    def setup(self):
        settings = self.settings_factory()
        self.engine = build_engine(settings)
        self.read_engine = build_engine(settings, autocommit=True)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    def stop(self):
        self.engine.dispose()
        self.read_engine.dispose()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        session = self.session_factory()
        # a read-only unit of work rebinds the session here before its first query
        session.info[READ_ONLY_BIND] = self.read_engine
        self.sessions[worker_ctx] = session
        return session

    def finish(self, worker_ctx, exc_info):
        """Commit if the worker succeeded, else roll back. Returns the worker's outcome:
        a failed commit turns success into that failure."""
        session: Session | None = self.sessions.get(worker_ctx)
        if session is None:
            return exc_info
        if exc_info is not None:
            session.rollback()
            return exc_info
        try:
            session.commit()
        except Exception:  # noqa: BLE001 - reported to the caller as the worker's failure
            session.rollback()
            return sys.exc_info()
        return None

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        session: Session | None = self.sessions.get(worker_ctx)
        if session is not None and session.in_transaction():
            session.rollback()

    def worker_teardown(self, worker_ctx):
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()


def finish_transactions(worker_ctx, exc_info):
    """End every database transaction of this worker; see the module docstring."""
    for provider in worker_ctx.container.dependencies:
        if isinstance(provider, DatabaseSession):
            exc_info = provider.finish(worker_ctx, exc_info)
    return exc_info
