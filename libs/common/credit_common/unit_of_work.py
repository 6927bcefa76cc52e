"""The unit of work every service's handlers talk to.

It wraps the worker's SQLAlchemy session: repositories read and write through it, ``publish``
stages an event in the outbox (same transaction), ``claim`` makes a consumer idempotent. It
never commits: the worker's entrypoint commits when the handler returns and rolls back when
it raises, so a handler cannot half-finish.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from credit_common.contracts.events import Event
from credit_common.outbox import add_to_outbox, claim_message, claim_message_later


#: key in ``Session.info`` of an engine whose connections are in autocommit, for reads
READ_ONLY_BIND = "read_only_bind"


class SqlUnitOfWork:
    def __init__(self, session: Session, request_id: str | None = None,
                 read_only: bool = False):
        self.session = session
        self.request_id = request_id
        self.read_only = read_only
        if read_only:
            # a read needs no transaction: autocommit saves the BEGIN and COMMIT round trips
            read_bind = session.info.get(READ_ONLY_BIND)
            if read_bind is not None and not session.in_transaction():
                session.bind = read_bind
            else:
                session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        elif session.bind is not None and session.bind is session.info.get(READ_ONLY_BIND):
            # writes in autocommit would not be atomic: refuse rather than half-save
            raise RuntimeError("a session already used for reads cannot write")
        self.published: list[Event] = []

    def publish(self, event: Event) -> uuid.UUID:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot publish")
        self.published.append(event)
        return add_to_outbox(self.session, event, self.request_id)

    def claim(self, consumer: str, message_id: uuid.UUID | str) -> bool:
        return claim_message(self.session, consumer, message_id)

    def claim_later(self, consumer: str, message_id: uuid.UUID | str) -> None:
        """For event handlers: a duplicate fails the transaction, and the event entrypoint
        acks it as handled (``credit_common.outbox.claim_message_later``)."""
        claim_message_later(self.session, consumer, message_id)

    def flush(self) -> None:
        self.session.flush()
