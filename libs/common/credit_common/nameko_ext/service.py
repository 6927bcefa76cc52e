"""What the four service classes share: the request context, Nameko's config, a unit of work
per call and the ``health`` answer; and the checks of entrypoint arguments that end in
``ValidationFailed``."""

from __future__ import annotations

import functools
import sys
from datetime import date

from nameko.dependency_providers import Config
from pydantic import BaseModel, TypeAdapter, ValidationError

from credit_common.errors import EXPECTED, ValidationFailed
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import rpc
from credit_common.nameko_ext.health import health_status
from credit_common.nameko_ext.observability import MetricsServer, RequestContext


def validation_error(exc: ValidationError) -> ValidationFailed:
    """A contract's refusal as the caller sees it: the fields at fault, not the values."""
    fields = [".".join(str(p) for p in err["loc"]) for err in exc.errors()]
    return ValidationFailed(details={"fields": fields})


def parse_contract(contract: type[BaseModel] | TypeAdapter, data):
    """A caller's ``data`` as ``contract`` reads it, or ValidationFailed naming the fields at
    fault."""
    try:
        if isinstance(contract, TypeAdapter):
            return contract.validate_python(data)
        return contract.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None


def parse_date(value, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed("INVALID_DATE", "日期格式应为 YYYY-MM-DD", {"field": field}) from None


@functools.cache
def process_settings(settings_class: type):
    """A service's settings, read once per process when a worker first asks: not at import,
    since the module is imported to build the service."""
    return settings_class()


class ServiceBase:
    """A subclass names ``name``, ``unit_of_work`` (its class) and ``settings_class``; its
    ``version`` is its package's ``__version__`` and ``settings`` the process's settings. Its
    ``db = DatabaseSession(...)`` and ``metrics = MetricsServer(...)`` read the settings class;
    a subclass declares either itself to pass more (the metrics it collects)."""

    name: str
    version: str
    unit_of_work: type
    settings_class: type

    context = RequestContext()
    config = Config()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.version = sys.modules[cls.__module__.partition(".")[0]].__version__
        if not hasattr(cls, "db"):
            cls.db = DatabaseSession(cls.settings_class)
        if not hasattr(cls, "metrics"):
            cls.metrics = MetricsServer(cls.settings_class)

    @property
    def settings(self):
        return process_settings(self.settings_class)

    def _uow(self, read_only: bool = False):
        return self.unit_of_work(self.db, self.context.request_id, read_only)

    @rpc(expected_exceptions=EXPECTED)
    def health(self):
        return health_status(self.name, self.version, self.settings, self.config["AMQP_URI"])
