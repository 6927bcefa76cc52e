"""Structured logs: one JSON object a line, carrying the request id of whatever caused it.

The request id is bound with ``structlog.contextvars`` (per greenlet under eventlet, per task
under asyncio), so every line a worker writes names the HTTP request that started the chain.
Resident ID and mobile numbers are masked in every field of every line, the exception included
(``mask_log_fields``), whoever logged them: a log reader never needs the full number.
"""

from __future__ import annotations

import logging
import sys

import structlog

from credit_common.identity import mask_personal_data

_SCALARS = (bool, float, type(None))


def _masked(value):
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, int):
        # a number logged as an int (a phone in a counter's place) is masked as text would be
        text = str(value)
        masked = mask_personal_data(text)
        return value if masked == text else masked
    if isinstance(value, dict):
        return {_masked(k): _masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_masked(v) for v in value]
    # anything else is rendered by its text: mask that text, or leave the object alone
    text = str(value)
    masked = mask_personal_data(text)
    return value if masked == text else masked


def mask_log_fields(logger, method_name, event_dict):
    """A structlog processor: personal numbers masked in every string of the line, nested
    dicts and lists included. Runs after ``format_exc_info``, so the exception text too."""
    return {key: _masked(value) for key, value in event_dict.items()}


def configure_logging(process: str, level: str = "INFO", fmt: str = "json") -> None:
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        # a line below the level is dropped before it is stamped and rendered
        processors=[structlog.stdlib.filter_by_level, *shared,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            mask_log_fields,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(process=process)
    # pika and kombu narrate every frame at INFO
    for noisy in ("pika", "kombu", "amqp", "urllib3", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str | None = None):
    return structlog.get_logger(name)
