"""Disclosure's entrypoints: validate, call a handler, return plain JSON."""

from __future__ import annotations

from nameko.dependency_providers import Config

from credit_common.errors import EXPECTED
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import rpc
from credit_common.nameko_ext.health import health_status
from credit_common.nameko_ext.observability import MetricsServer, RequestContext

from disclosure import __version__
from disclosure.config import DisclosureSettings


class DisclosureService:
    name = "disclosure"

    db = DatabaseSession(DisclosureSettings)
    context = RequestContext()
    metrics = MetricsServer(DisclosureSettings)
    config = Config()

    @rpc(expected_exceptions=EXPECTED)
    def health(self):
        return health_status(self.name, __version__, self.db, self.config["AMQP_URI"])
