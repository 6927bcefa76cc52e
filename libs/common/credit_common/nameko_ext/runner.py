"""Run one Nameko service from its pydantic settings (what ``nameko run`` does, without a
second configuration file to keep in step)."""

from __future__ import annotations

from credit_common.logging import configure_logging, get_logger
from credit_common.nameko_ext.entrypoints import (BATCH_LIMIT_CONFIG_KEY,
                                                   DELIVERY_LIMIT_CONFIG_KEY,
                                                   RETRY_DELAYS_CONFIG_KEY)
from credit_common.settings import ServiceSettings


def nameko_config(settings: ServiceSettings) -> dict:
    return {
        "AMQP_URI": settings.amqp_uri,
        "max_workers": settings.max_workers,
        "parent_calls_tracked": 10,
        "serializer": "json",
        RETRY_DELAYS_CONFIG_KEY: settings.event_retry_delays_ms,
        BATCH_LIMIT_CONFIG_KEY: settings.event_batch_limit,
        DELIVERY_LIMIT_CONFIG_KEY: settings.event_delivery_limit,
        # the consumers' connections; CPU-bound work runs off the hub (nameko_ext.offload)
        "HEARTBEAT": settings.amqp_heartbeat_s,
    }


def run_service(service_cls, settings: ServiceSettings) -> None:
    """Block until SIGTERM/SIGINT. The caller has already run ``eventlet.monkey_patch()``."""
    from nameko.cli.run import run

    configure_logging(settings.service_name, settings.log_level, settings.log_format)
    get_logger(__name__).info("service starting", service=settings.service_name)
    run([service_cls], nameko_config(settings))
