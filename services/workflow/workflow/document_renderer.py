"""``python -m workflow documents``: renders issued documents to PDF in a process of its own,
so a PDF's CPU never stalls the service's eventlet hub (bench/README.md, "Documents")."""

from __future__ import annotations

import os
import signal
import time

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from credit_common.liveness import Heartbeat
from credit_common.logging import get_logger
from credit_common.nameko_ext.db import build_engine
from workflow.handlers.documents import render_documents
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
                rendered = render_documents(WorkflowUnitOfWork(session), limit=1)
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
