"""Intake's entrypoints: validate the contract, call a handler, return plain JSON."""

from __future__ import annotations

from nameko.dependency_providers import Config
from pydantic import ValidationError

from credit_common.contracts.commands import SubmitApplication
from credit_common.errors import EXPECTED, ValidationFailed
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import rpc, subscribe
from credit_common.nameko_ext.health import health_status
from credit_common.nameko_ext.observability import MetricsServer, RequestContext

from intake import __version__, handlers
from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.config import IntakeSettings
from intake.views import application_view


def validation_error(exc: ValidationError) -> ValidationFailed:
    fields = [".".join(str(p) for p in err["loc"]) for err in exc.errors()]
    return ValidationFailed("VALIDATION_FAILED", "请求数据不符合要求", {"fields": fields})


class IntakeService:
    name = "intake"

    db = DatabaseSession(IntakeSettings)
    context = RequestContext()
    metrics = MetricsServer(IntakeSettings)
    config = Config()

    def _uow(self, read_only: bool = False) -> IntakeUnitOfWork:
        return IntakeUnitOfWork(self.db, self.context.request_id, read_only)

    @rpc(expected_exceptions=EXPECTED)
    def health(self):
        return health_status(self.name, __version__, self.db, self.config["AMQP_URI"])

    @rpc(expected_exceptions=EXPECTED)
    def submit_application(self, application: dict, idempotency_key: str | None = None):
        try:
            command = SubmitApplication.model_validate(application)
        except ValidationError as exc:
            raise validation_error(exc) from None
        return application_view(handlers.submit_application(command, self._uow(), idempotency_key))

    @rpc(expected_exceptions=EXPECTED)
    def get_application(self, application_id: str):
        application = handlers.get_application(application_id, self._uow(read_only=True))
        return application_view(application)

    @subscribe("workflow", "case_opened")
    def on_case_opened(self, envelope):
        handlers.record_case_opened(envelope, self._uow())
