"""``python -m workflow documents``: renders issued documents to PDF in a process of its own.

A PDF costs about 40 ms of CPU (font subset, layout, QR). Inside the service's eventlet hub that
would stall every request queued behind it, so the decision's transaction only numbers and
words the document and this process renders it, at a lower CPU priority than the services.
Rows are claimed with ``SKIP LOCKED``: run as many renderers as the load needs, none renders
a document twice.
"""

from __future__ import annotations

import os
import signal
import time

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from credit_common.liveness import Heartbeat
from credit_common.logging import get_logger
from credit_common.nameko_ext.db import build_engine
from workflow import handlers
from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.config import WorkflowSettings

log = get_logger("documents")
RENDERER_NICENESS = 10


def main(argv: list[str]) -> int:
    # rendering can wait a moment; an officer's request should not wait for the CPU
    os.nice(RENDERER_NICENESS)
    settings = WorkflowSettings()
    engine = build_engine(settings)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    backoff = 0.2
    heartbeat = Heartbeat(settings.liveness_file)
    log.info("document renderer starting")
    while not stopping:
        heartbeat.beat()
        try:
            with sessions() as session, session.begin():
                # one document a transaction: its row lock is held only while it renders
                rendered = handlers.render_documents(WorkflowUnitOfWork(session), limit=1)
            backoff = 0.2
        except SQLAlchemyError as exc:
            log.warning("document renderer cannot reach the database", error=repr(exc),
                        retry_in_s=backoff)
            engine.dispose()
            time.sleep(backoff)
            backoff = min(backoff * 2, 5.0)
            continue
        if rendered:
            log.info("document rendered")
        else:
            time.sleep(settings.document_render_interval_s)
    engine.dispose()
    log.info("document renderer stopped")
    return 0
