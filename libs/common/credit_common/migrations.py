"""What every service's alembic ``env.py`` does: migrate that service's own database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from credit_common.settings import ServiceSettings


def run_migrations(settings: ServiceSettings) -> None:
    url = context.config.attributes.get("database_url") or settings.database_url
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    # a failing data migration's error shows the statement, never its values
    engine = create_engine(url, poolclass=pool.NullPool, hide_parameters=True)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
