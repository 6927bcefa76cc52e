"""Settings of a named service built from the shared classes alone, for tests of the shared
plumbing: they read the same variables a service's own ``config.py`` declares
(``<SERVICE>_DATABASE_URL``, ``<SERVICE>_MIGRATION_DATABASE_URL``, ``<SERVICE>_AMQP_URI``)
without importing that service."""

from __future__ import annotations

import functools
from typing import ClassVar

from pydantic import Field

from credit_common.settings import ServiceSettings


@functools.cache
def service_settings(name: str, base: type[ServiceSettings] = ServiceSettings,
                     ) -> type[ServiceSettings]:
    """A subclass of ``base`` (``ServiceSettings`` or ``LoginSettings``) for service ``name``."""
    upper = name.upper()

    class Settings(base):
        service_name: ClassVar[str] = name
        service_database_url: str | None = Field(
            None, validation_alias=f"{upper}_DATABASE_URL")
        service_migration_database_url: str | None = Field(
            None, validation_alias=f"{upper}_MIGRATION_DATABASE_URL")
        process_amqp_uri: str | None = Field(None, validation_alias=f"{upper}_AMQP_URI")

    Settings.__name__ = Settings.__qualname__ = f"{name.title()}{base.__name__}"
    return Settings
