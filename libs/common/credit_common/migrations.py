"""What every service's alembic ``env.py`` does: migrate that service's own database as its
owner role, then give the application role its privileges (``credit_common.privileges``)."""

from __future__ import annotations

from collections.abc import Iterable

from alembic import context
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url

from credit_common.privileges import grant_application_role
from credit_common.settings import ServiceSettings


def run_migrations(settings: ServiceSettings, audit_tables: Iterable[str] = ()) -> None:
    attributes = context.config.attributes
    url = attributes.get("database_url") or settings.migration_database_url
    app_role = attributes.get("app_role") or make_url(settings.database_url).username
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    # a failing data migration's error shows the statement, never its values
    engine = create_engine(url, poolclass=pool.NullPool, hide_parameters=True,
                           connect_args=settings.connect_args())
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        if connection.in_transaction():  # alembic's own reads may have left one open
            connection.commit()
        with connection.begin():
            grant_application_role(connection, app_role, audit_tables)
    engine.dispose()
