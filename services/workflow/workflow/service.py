"""Workflow's entrypoints: validate, call a handler, return plain JSON."""

from __future__ import annotations

from nameko.dependency_providers import Config

from credit_common.errors import EXPECTED
from credit_common.logging import get_logger
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import rpc, subscribe
from credit_common.nameko_ext.health import health_status
from credit_common.nameko_ext.observability import MetricsServer, RequestContext

from workflow import __version__, handlers
from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.config import WorkflowSettings
from workflow.views import case_view

log = get_logger(__name__)


class WorkflowService:
    name = "workflow"

    db = DatabaseSession(WorkflowSettings)
    context = RequestContext()
    metrics = MetricsServer(WorkflowSettings)
    config = Config()

    def _uow(self, read_only: bool = False) -> WorkflowUnitOfWork:
        return WorkflowUnitOfWork(self.db, self.context.request_id, read_only)

    @rpc(expected_exceptions=EXPECTED)
    def health(self):
        return health_status(self.name, __version__, self.db, self.config["AMQP_URI"])

    @rpc(expected_exceptions=EXPECTED)
    def get_case(self, acceptance_number: str):
        return case_view(handlers.get_case(str(acceptance_number), self._uow(read_only=True)))

    @subscribe("intake", "application_submitted")
    def on_application_submitted(self, envelope):
        case = handlers.open_case(envelope, self._uow())
        if case is None:
            log.info("application_submitted already handled", message_id=str(envelope.message_id))
        else:
            log.info("case opened", acceptance_number=case.acceptance_number,
                     message_id=str(envelope.message_id))

    @subscribe("intake", "application_withdrawn")
    def on_application_withdrawn(self, envelope):
        handlers.withdraw_case(envelope, self._uow())
