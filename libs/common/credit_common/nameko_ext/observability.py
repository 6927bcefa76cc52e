"""Request context, structured logging and Prometheus metrics for a Nameko service.

``RequestContext`` binds the caller's request id (Nameko context header ``nameko.request_id``,
set by the gateway and carried on every outbox event) for the worker's log lines and exposes it
to handlers, so events the worker writes carry it on. ``MetricsServer`` serves ``/metrics`` on
``METRICS_PORT`` with entrypoint latency, outbox backlog and dead-letter count.
"""

from __future__ import annotations

import time

import structlog
from nameko.extensions import DependencyProvider
from prometheus_client import REGISTRY, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily

from credit_common.logging import get_logger
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.outbox import outbox_backlog
from credit_common.topology import subscriptions_of

log = get_logger(__name__)

ENTRYPOINT_LATENCY = Histogram(
    "service_entrypoint_seconds",
    "Time a service worker took, by service, entrypoint and outcome",
    ["service", "entrypoint", "outcome"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class WorkerContext:
    """Read from the worker's own context data each time: a batch of events switches the
    request id to each event's in turn (``credit_common.nameko_ext.entrypoints.EventBatch``)."""

    def __init__(self, data: dict):
        self._data = data

    @property
    def request_id(self) -> str | None:
        return self._data.get("request_id")


class RequestContext(DependencyProvider):
    def __init__(self):
        self.started: dict = {}

    def get_dependency(self, worker_ctx):
        return WorkerContext(worker_ctx.data)

    def worker_setup(self, worker_ctx):
        structlog.contextvars.bind_contextvars(
            request_id=worker_ctx.context_data.get("request_id"),
            entrypoint=worker_ctx.entrypoint.method_name,
        )
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        if started is not None:
            ENTRYPOINT_LATENCY.labels(
                self.container.service_name,
                worker_ctx.entrypoint.method_name,
                "ok" if exc_info is None else type(exc_info[1]).__name__,
            ).observe(time.perf_counter() - started)

    def worker_teardown(self, worker_ctx):
        structlog.contextvars.unbind_contextvars("request_id", "entrypoint")


class _MessagingCollector:
    """Computed at scrape time: pending outbox rows, messages waiting in dead-letter queues."""

    def __init__(self, service_name, database: DatabaseSession | None, amqp_uri: str):
        self.service_name = service_name
        self.database = database
        self.amqp_uri = amqp_uri

    def describe(self):
        # lets the registry learn the names without a scrape, which would run before the
        # database dependency is set up
        return [GaugeMetricFamily("outbox_backlog", "Outbox rows not yet published"),
                GaugeMetricFamily("dead_letter_messages", "Messages waiting in dead-letter queues")]

    def collect(self):
        backlog = GaugeMetricFamily("outbox_backlog", "Outbox rows not yet published",
                                    labels=["service"])
        if self.database is not None:
            try:
                with self.database.session_factory() as session:
                    backlog.add_metric([self.service_name], outbox_backlog(session))
            except Exception as exc:  # noqa: BLE001 - a scrape must not fail
                log.warning("outbox backlog unavailable", error=repr(exc))
        yield backlog
        dead = GaugeMetricFamily("dead_letter_messages", "Messages waiting in dead-letter queues",
                                 labels=["service", "queue"])
        from credit_common.dlq import queue_depths

        try:
            queues = [s.dead_letter_queue for s in subscriptions_of(self.service_name)]
            for queue, depth in queue_depths(self.amqp_uri, queues).items():
                dead.add_metric([self.service_name, queue], depth)
        except Exception as exc:  # noqa: BLE001
            log.warning("dead-letter depth unavailable", error=repr(exc))
        yield dead


class MetricsServer(DependencyProvider):
    """Starts the Prometheus endpoint once per process; injects nothing useful."""

    def __init__(self, settings_factory):
        self.settings_factory = settings_factory

    def setup(self):
        self.port = self.settings_factory().metrics_port
        if not self.port:
            return
        database = next((d for d in self.container.dependencies
                         if isinstance(d, DatabaseSession)), None)
        REGISTRY.register(_MessagingCollector(self.container.service_name, database,
                                              self.container.config["AMQP_URI"]))
        start_http_server(self.port, addr="127.0.0.1")
        log.info("metrics endpoint", port=self.port)

    def get_dependency(self, worker_ctx):
        return None
