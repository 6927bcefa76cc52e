"""Settings of a named service built from the shared classes alone, for tests of the shared
plumbing (``credit_common.settings.service_settings``, which the health command uses too)."""

from credit_common.settings import service_settings

__all__ = ["service_settings"]
