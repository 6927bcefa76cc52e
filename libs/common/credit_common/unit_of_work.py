"""The unit of work every service's handlers talk to.

It wraps the worker's SQLAlchemy session: repositories read and write through it, ``publish``
stages an event in the outbox (same transaction), ``claim`` makes a consumer idempotent. It
never commits: the worker's entrypoint commits when the handler returns and rolls back when
it raises, so a handler cannot half-finish.

Events collected at commit: a service opts a repository in (``collect_events_of``) and then
its handlers publish nothing by hand. When the session commits, the pending ``events`` of
every aggregate that repository has seen (its ``seen`` list) are staged in the outbox and
emptied; when the session rolls back, they are dropped with the changes they announced.
Repositories not opted in are left alone, so services that still publish by hand keep doing
so; an event staged by hand is never staged again at commit.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session, SessionTransaction

from credit_common.contracts.events import Event
from credit_common.outbox import add_to_outbox, claim_message, claim_message_later

#: key in ``Session.info`` of an engine whose connections are in autocommit, for reads
READ_ONLY_BIND = "read_only_bind"
#: key in ``Session.info``: the units of work whose repositories' events go out at commit
COLLECTING_UNITS_OF_WORK = "collecting_units_of_work"


class Aggregate(Protocol):
    events: list[Event]


class SeeingRepository(Protocol):
    seen: list[Aggregate]


class StagesEvents:
    """Staging events, by hand (``publish``) and from opted-in repositories
    (``collect_events``), each event object once whichever way comes first. Plain Python, so
    the fake units of work of unit tests stage exactly as the real one does."""

    def __init__(self):
        self.published: list[Event] = []
        #: id() of each staged event -> its message id (``published`` keeps the objects alive)
        self._staged: dict[int, uuid.UUID | None] = {}
        self._collected: list[SeeingRepository] = []

    def _stage(self, event: Event) -> uuid.UUID | None:
        raise NotImplementedError

    def publish(self, event: Event) -> uuid.UUID | None:
        if id(event) in self._staged:
            return self._staged[id(event)]
        message_id = self._stage(event)
        self.published.append(event)
        self._staged[id(event)] = message_id
        return message_id

    def collect_events_of(self, repository):
        """Opt ``repository`` in: the events of the aggregates it has seen are staged at
        commit. Returns the repository."""
        self._collected.append(repository)
        return repository

    def collect_events(self) -> None:
        """Stage and empty the pending events of every aggregate seen; a second call finds
        nothing left to stage."""
        for repository in self._collected:
            for aggregate in repository.seen:
                pending = list(aggregate.events)
                aggregate.events.clear()
                for event in pending:
                    self.publish(event)

    def discard_events(self) -> None:
        """The transaction rolled back: what was staged is gone, and the pending events
        announce changes that were never saved."""
        for repository in self._collected:
            for aggregate in repository.seen:
                aggregate.events.clear()
        self._staged.clear()


class SqlUnitOfWork(StagesEvents):
    def __init__(self, session: Session, request_id: str | None = None,
                 read_only: bool = False):
        super().__init__()
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

    def publish(self, event: Event) -> uuid.UUID:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot publish")
        return super().publish(event)

    def _stage(self, event: Event) -> uuid.UUID:
        return add_to_outbox(self.session, event, self.request_id)

    def collect_events_of(self, repository):
        if self.read_only:
            return repository  # nothing it reads is ever published
        if not self._collected:
            self.session.info.setdefault(COLLECTING_UNITS_OF_WORK, []).append(self)
        return super().collect_events_of(repository)

    def claim(self, consumer: str, message_id: uuid.UUID | str) -> bool:
        return claim_message(self.session, consumer, message_id)

    def claim_later(self, consumer: str, message_id: uuid.UUID | str) -> None:
        """For event handlers: a duplicate fails the transaction, and the event entrypoint
        acks it as handled (``credit_common.outbox.claim_message_later``)."""
        claim_message_later(self.session, consumer, message_id)

    def flush(self) -> None:
        self.session.flush()


# One listener for every session; a session no collecting unit of work has used has nothing
# under the key. The outbox rows join the deferred writes that the commit sends with COMMIT.
@sqlalchemy_event.listens_for(Session, "before_commit")
def _collect_at_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the transaction goes on
    for uow in session.info.get(COLLECTING_UNITS_OF_WORK, ()):
        uow.collect_events()


@sqlalchemy_event.listens_for(Session, "after_soft_rollback")
def _discard_at_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is not None:
        return  # a savepoint rolled back: the outer transaction and its changes go on
    for uow in session.info.get(COLLECTING_UNITS_OF_WORK, ()):
        uow.discard_events()
