"""Request context, structured logging and Prometheus metrics for a Nameko service.

``RequestContext`` binds the caller's request id (Nameko context header ``nameko.request_id``,
set by the gateway and carried on every outbox event) for the worker's log lines and exposes it
to handlers, so events the worker writes carry it on. ``MetricsServer`` serves ``/metrics`` on
``METRICS_PORT`` with entrypoint latency, outbox backlog and dead-letter count, ``/healthz``
there (each dependency's state, within ``HEALTH_CHECK_TIMEOUT_S``) and ``/livez`` (the
process's hub answers, whatever its dependencies do).
"""

from __future__ import annotations

import json
import threading
import time
from wsgiref.simple_server import make_server

import structlog
from nameko.extensions import DependencyProvider
from prometheus_client import REGISTRY, Histogram, make_wsgi_app
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
    """Computed at scrape time: pending outbox rows, messages waiting in dead-letter queues,
    and whatever figures the service's own ``collect(session)`` gives."""

    def __init__(self, service_name, database: DatabaseSession | None, amqp_uri: str,
                 service_collect=None):
        self.service_name = service_name
        self.database = database
        self.amqp_uri = amqp_uri
        self.service_collect = service_collect

    def describe(self):
        # lets the registry learn the names without a scrape, which would run before the
        # database dependency is set up
        return [GaugeMetricFamily("outbox_backlog", "Outbox rows not yet published"),
                GaugeMetricFamily("dead_letter_messages", "Messages waiting in dead-letter queues")]

    def collect(self):
        backlog = GaugeMetricFamily("outbox_backlog", "Outbox rows not yet published",
                                    labels=["service"])
        own = []
        if self.database is not None:
            try:
                with self.database.session_factory() as session:
                    backlog.add_metric([self.service_name], outbox_backlog(session))
                    if self.service_collect is not None:
                        own = list(self.service_collect(session))
            except Exception as exc:  # noqa: BLE001 - a scrape must not fail
                log.warning("database figures unavailable", error=repr(exc))
        yield backlog
        yield from own
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


_collector: _MessagingCollector | None = None


def _with_healthz(metrics_app, service: str, settings, amqp_uri: str):
    """``GET /healthz`` next to ``/metrics``: a probe that needs no broker to reach the
    process, 200 when every dependency answers, else 503 naming each one's state."""
    def app(environ, start_response):
        if environ.get("PATH_INFO") == "/livez":
            # answered by the same hub as every worker: a hub stuck on the CPU misses it, a
            # database or broker outage does not (a liveness probe must not restart for those)
            body = json.dumps({"service": service, "status": "ok"}).encode()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if environ.get("PATH_INFO") != "/healthz":
            return metrics_app(environ, start_response)
        from credit_common.nameko_ext.health import run_checks, service_checks

        timeout_s = settings.health_check_timeout_s
        checks = run_checks(service_checks(settings, amqp_uri, timeout_s), timeout_s)
        ok = all(state == "ok" for state in checks.values())
        body = json.dumps({"service": service, "status": "ok" if ok else "degraded",
                           "checks": checks}).encode()
        start_response("200 OK" if ok else "503 Service Unavailable",
                       [("Content-Type", "application/json"),
                        ("Content-Length", str(len(body)))])
        return [body]

    return app


def _serve(host: str, port: int, app) -> None:
    from prometheus_client.exposition import ThreadingWSGIServer, _SilentHandler

    server = make_server(host, port, app, ThreadingWSGIServer, handler_class=_SilentHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()


class MetricsServer(DependencyProvider):
    """Starts the Prometheus endpoint once per process; injects nothing useful. ``collect``
    (``session -> metric families``) adds a service's own figures, read from its database
    when Prometheus scrapes."""

    def __init__(self, settings_factory, collect=None):
        self.settings_factory = settings_factory
        self.collect = collect

    def setup(self):
        settings = self.settings_factory()
        self.port = settings.metrics_port
        if not self.port:
            return
        database = next((d for d in self.container.dependencies
                         if isinstance(d, DatabaseSession)), None)
        global _collector
        if _collector is None:
            _collector = _MessagingCollector(self.container.service_name, database,
                                             self.container.config["AMQP_URI"], self.collect)
            REGISTRY.register(_collector)
        else:  # a second container in one process (tests): its figures replace the first's
            _collector.__init__(self.container.service_name, database,
                                self.container.config["AMQP_URI"], self.collect)
        _serve(settings.metrics_host, self.port,
               _with_healthz(make_wsgi_app(), self.container.service_name, settings,
                             self.container.config["AMQP_URI"]))
        log.info("metrics endpoint", host=settings.metrics_host, port=self.port)

    def get_dependency(self, worker_ctx):
        return None
