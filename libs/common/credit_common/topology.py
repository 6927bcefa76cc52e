"""Who publishes what, and who listens.

Every publisher (the outbox relay) and every consumer declares the same durable queues at
start-up, so an event published while its consumer is down waits in its queue instead of
being dropped by an exchange with nothing bound to it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: RPC exchange Nameko uses (its default).
RPC_EXCHANGE = "nameko-rpc"

#: The external contract with other agencies (docs/asyncapi): a durable topic exchange on
#: which they publish ``record.upserted.v1`` / ``record.withdrawn.v1`` and
#: disclosure publishes ``record.publicity_changed.v1``.
INTERAGENCY_EXCHANGE = "interagency"

#: where disclosure consumes other agencies' messages (pika, not Nameko: an external
#: contract); bad messages go to its ``.dlq`` with the reason
INTERAGENCY_CONSUMER = "disclosure"
INTERAGENCY_INBOUND_QUEUE = f"{INTERAGENCY_CONSUMER}--interagency.inbound"
INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE = INTERAGENCY_INBOUND_QUEUE + ".dlq"
INTERAGENCY_INBOUND_BINDINGS = ("record.upserted.v1", "record.withdrawn.v1")
#: what disclosure publishes on ``interagency`` (through its relay)
INTERAGENCY_OUTBOUND_ROUTING_KEYS = ("record.publicity_changed.v1",)

#: RPCs a service makes to another service (``<service>.<method>``); the gateway calls any
RPC_CALLS: dict[str, tuple[str, ...]] = {
    # workflow owns the officers: it says whether a caller is an active administrator
    "intake": ("workflow.administrator",),
    "disclosure": ("workflow.administrator",),
}

#: exchanges a service's relay publishes to besides its own ``<service>.events``
EXTERNAL_EXCHANGES: dict[str, tuple[str, ...]] = {"disclosure": (INTERAGENCY_EXCHANGE,)}


def rpc_queue(service: str) -> str:
    """Nameko's convention: ``rpc-<service>``, bound to ``nameko-rpc`` with ``<service>.*``."""
    return f"rpc-{service}"


def events_exchange(source_service: str) -> str:
    """Nameko's convention: ``<service>.events``, a durable topic exchange."""
    return f"{source_service}.events"


@dataclass(frozen=True)
class Subscription:
    source: str
    event_type: str
    consumer: str

    @property
    def exchange(self) -> str:
        return events_exchange(self.source)

    @property
    def queue(self) -> str:
        return f"{self.consumer}--{self.source}.{self.event_type}"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dlq"

    def retry_queue(self, delay_ms: int) -> str:
        return f"{self.queue}.retry.{delay_ms}ms"


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription("intake", "application_submitted", "workflow"),
    Subscription("workflow", "case_opened", "intake"),
    Subscription("intake", "application_withdrawn", "workflow"),
    Subscription("workflow", "case_status_changed", "intake"),
    Subscription("workflow", "case_status_changed", "disclosure"),
    Subscription("workflow", "case_deadline", "notification"),
    Subscription("intake", "application_status_changed", "notification"),
)


def subscriptions_from(source: str) -> list[Subscription]:
    return [s for s in SUBSCRIPTIONS if s.source == source]


def subscriptions_of(consumer: str) -> list[Subscription]:
    return [s for s in SUBSCRIPTIONS if s.consumer == consumer]


def find_subscription(source: str, event_type: str, consumer: str) -> Subscription:
    wanted = Subscription(source, event_type, consumer)
    if wanted not in SUBSCRIPTIONS:
        raise LookupError(
            f"{consumer} handles {source}.{event_type} but credit_common.topology does not list "
            "it: add the subscription so publishers declare its queue"
        )
    return wanted


def declare_subscription(channel, sub: Subscription) -> None:
    """Declare exchange, durable queue and binding on a pika channel (idempotent)."""
    channel.exchange_declare(exchange=sub.exchange, exchange_type="topic", durable=True)
    channel.queue_declare(queue=sub.queue, durable=True)
    channel.queue_bind(queue=sub.queue, exchange=sub.exchange, routing_key=sub.event_type)
    channel.queue_declare(queue=sub.dead_letter_queue, durable=True)
