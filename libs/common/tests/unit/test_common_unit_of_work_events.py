"""Events collected by the unit of work: from the repositories a service opts in, each event
once however often it is collected or also published by hand; nothing from the others."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import ClassVar

from credit_common.contracts.events import Event
from credit_common.unit_of_work import StagesEvents


class Happened(Event):
    event_type: ClassVar[str] = "happened"
    source: ClassVar[str] = "probe"

    n: int


@dataclass
class Thing:
    events: list = field(default_factory=list)

    def change(self, n: int) -> None:
        self.events.append(Happened(n=n))


class Things:
    def __init__(self):
        self.seen: list[Thing] = []

    def get(self) -> Thing:
        thing = Thing()
        self.seen.append(thing)
        return thing


class Outbox(StagesEvents):
    def __init__(self, opted_in: bool = True):
        super().__init__()
        self.rows: list[tuple[uuid.UUID, int]] = []
        self.things = self.collect_events_of(Things()) if opted_in else Things()

    def _stage(self, event):
        message_id = uuid.uuid4()
        self.rows.append((message_id, event.n))
        return message_id


def test_the_events_of_every_aggregate_seen_are_staged_once_in_order():
    outbox = Outbox()
    first, second = outbox.things.get(), outbox.things.get()
    first.change(1)
    second.change(2)
    first.change(3)
    outbox.collect_events()
    outbox.collect_events()
    assert [n for _, n in outbox.rows] == [1, 3, 2]
    assert first.events == [] and second.events == []


def test_an_aggregate_seen_twice_is_staged_once():
    outbox = Outbox()
    thing = outbox.things.get()
    outbox.things.seen.append(thing)
    thing.change(1)
    outbox.collect_events()
    assert [n for _, n in outbox.rows] == [1]


def test_an_event_published_by_hand_is_not_staged_again_at_commit():
    outbox = Outbox()
    thing = outbox.things.get()
    thing.change(1)
    by_hand = [outbox.publish(event) for event in thing.events]
    # published twice by hand (a hand loop run again) and collected: still one row
    again = [outbox.publish(event) for event in thing.events]
    outbox.collect_events()
    assert [n for _, n in outbox.rows] == [1]
    assert by_hand == again == [outbox.rows[0][0]]


def test_events_after_a_collection_go_with_the_next_one():
    outbox = Outbox()
    thing = outbox.things.get()
    thing.change(1)
    outbox.collect_events()
    thing.change(2)
    outbox.collect_events()
    assert [n for _, n in outbox.rows] == [1, 2]


def test_a_repository_not_opted_in_is_left_to_its_hand_loop():
    outbox = Outbox(opted_in=False)
    thing = outbox.things.get()
    thing.change(1)
    outbox.collect_events()
    assert outbox.rows == [] and len(thing.events) == 1
    for event in thing.events:
        outbox.publish(event)
    outbox.collect_events()
    assert [n for _, n in outbox.rows] == [1]


def test_a_rollback_drops_the_pending_events_and_forgets_what_was_staged():
    outbox = Outbox()
    thing = outbox.things.get()
    thing.change(1)
    staged = list(thing.events)
    outbox.collect_events()
    thing.change(2)
    outbox.discard_events()
    assert thing.events == []
    outbox.collect_events()
    assert [n for _, n in outbox.rows] == [1]
    # after the rollback the first row is gone: the same event may be staged again
    outbox.publish(staged[0])
    assert [n for _, n in outbox.rows] == [1, 1]
