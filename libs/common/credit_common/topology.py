"""Who publishes what, and who listens.

Every durable queue is declared before any process starts (``make queues``, as the broker's
administrator), and again by its consumer; a publisher (the outbox relay) checks its
consumers' queues are there. So an event published while its consumer is down waits in its
queue instead of being dropped by an exchange with nothing bound to it.

Every durable queue is a quorum queue, and its arguments are made here only: RabbitMQ
refuses a declaration whose arguments differ from the queue's (PRECONDITION_FAILED), so
every declarer asks for exactly these. A consumer queue dead-letters a message into its
``.dlq`` once it was given back more than ``EVENT_DELIVERY_LIMIT`` times (its consumer died
holding it); RabbitMQ records why in the ``x-death`` header (reason ``delivery_limit``).
``python -m credit_common.queues migrate`` turns queues declared otherwise before (classic,
or another limit) into these.

Retries, dead letters and replays never go through the default exchange (no service may
write on it, or it could push a message into any queue by name): each consuming service has
a direct exchange of its own, ``<service>.redelivery``, to which every queue it consumes (and
their retry and dead-letter queues) is bound with the queue's own name as routing key. Its
quorum queues dead-letter there too, and only that service may publish there.
"""

from __future__ import annotations

from dataclasses import dataclass

from credit_common.settings import CommonSettings

#: the platform's services: each has its own database, RPC queue, events exchange and broker
#: user; every list of them (databases, broker users, test suites, health) is this one
SERVICES: tuple[str, ...] = ("intake", "workflow", "notification", "disclosure")

#: RPC exchange Nameko uses (its default).
RPC_EXCHANGE = "nameko-rpc"

#: The external contract with other agencies (docs/asyncapi): a durable topic exchange on
#: which they publish ``record.upserted.v1`` / ``record.withdrawn.v1`` and the filings
#: ``annual_report.filed.v1`` / ``instant_info.published.v1``, and disclosure publishes
#: ``record.publicity_changed.v1`` and ``record.penalty_withdrawn.v1``.
INTERAGENCY_EXCHANGE = "interagency"

#: where disclosure consumes other agencies' messages (pika, not Nameko: an external
#: contract); bad messages go to its ``.dlq`` with the reason
INTERAGENCY_CONSUMER = "disclosure"
INTERAGENCY_INBOUND_QUEUE = f"{INTERAGENCY_CONSUMER}--interagency.inbound"
INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE = INTERAGENCY_INBOUND_QUEUE + ".dlq"
INTERAGENCY_INBOUND_BINDINGS = ("record.upserted.v1", "record.withdrawn.v1",
                                "annual_report.filed.v1", "instant_info.published.v1")
#: what disclosure publishes on ``interagency`` (through its relay)
INTERAGENCY_OUTBOUND_ROUTING_KEYS = ("record.publicity_changed.v1", "record.penalty_withdrawn.v1")

#: RPCs a service makes to another service (``<service>.<method>``); the gateway calls any
RPC_CALLS: dict[str, tuple[str, ...]] = {
    # workflow owns the officers: it says whether a caller is an active administrator
    "intake": ("workflow.administrator",),
    "disclosure": ("workflow.administrator",),
}

#: exchanges a service's relay publishes to besides its own ``<service>.events``
EXTERNAL_EXCHANGES: dict[str, tuple[str, ...]] = {"disclosure": (INTERAGENCY_EXCHANGE,)}


def redelivery_exchange(service: str) -> str:
    """A service's own durable direct exchange for retries, dead letters and replays: each
    queue it consumes is bound to it under the queue's name."""
    return f"{service}.redelivery"


def consumer_of_queue(queue: str) -> str:
    """The service that consumes ``queue`` (and its retry and dead-letter queues): every
    such queue is named ``<consumer>--...``."""
    consumer, separator, _ = queue.partition("--")
    if not separator:
        raise LookupError(f"{queue} is not a platform consumer queue")
    return consumer


def declare_redelivery(channel, service: str, queues) -> None:
    """``service``'s redelivery exchange, each queue bound under its own name (pika)."""
    exchange = redelivery_exchange(service)
    channel.exchange_declare(exchange, exchange_type="direct", durable=True)
    for queue in queues:
        channel.queue_bind(queue, exchange, queue)


def rpc_queue(service: str) -> str:
    """Nameko's convention: ``rpc-<service>``, bound to ``nameko-rpc`` with ``<service>.*``."""
    return f"rpc-{service}"


#: what makes a queue a quorum queue (replicated, delivery counting, survives a node loss)
QUORUM = {"x-queue-type": "quorum"}
#: dead-lettering from a quorum queue, confirmed by the target queue before the message
#: leaves (RabbitMQ >= 3.10; the strategy requires ``reject-publish`` overflow)
_AT_LEAST_ONCE = {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}


def delivery_limit() -> int:
    """``EVENT_DELIVERY_LIMIT``: how many times a message may be given back before it is
    dead-lettered (so a message is delivered at most this + 1 times)."""
    return CommonSettings().event_delivery_limit


def consumer_queue_arguments(queue: str, limit: int | None = None) -> dict:
    """A queue a consumer reads: past the delivery limit into ``<queue>.dlq`` (through its
    consumer's redelivery exchange)."""
    return {**QUORUM, "x-delivery-limit": delivery_limit() if limit is None else limit,
            "x-dead-letter-exchange": redelivery_exchange(consumer_of_queue(queue)),
            "x-dead-letter-routing-key": f"{queue}.dlq",
            **_AT_LEAST_ONCE}


def retry_queue_arguments(target_queue: str, delay_ms: int) -> dict:
    """A delay queue nobody reads: each message expires after ``delay_ms`` back into
    ``target_queue`` (message TTL on quorum queues: RabbitMQ >= 3.10)."""
    return {**QUORUM, "x-message-ttl": delay_ms,
            "x-dead-letter-exchange": redelivery_exchange(consumer_of_queue(target_queue)),
            "x-dead-letter-routing-key": target_queue, **_AT_LEAST_ONCE}


def dead_letter_queue_arguments() -> dict:
    """No delivery limit: ``make dlq`` reads a message and gives it back each time, and a
    limit without a dead-letter exchange would drop it."""
    return dict(QUORUM)


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
    # a filing cured a listing: workflow decides its removal (at once or by an officer) ...
    Subscription("disclosure", "listing_cured", "workflow"),
    # ... and disclosure removes it under the decision's document
    Subscription("workflow", "listing_removal_decided", "disclosure"),
    # 两书同达: an own penalty recorded -> intake words when and how it may be repaired ->
    # workflow issues the numbered 信用修复告知书 -> the SMS and the public record show it
    Subscription("disclosure", "penalty_recorded", "intake"),
    Subscription("intake", "repair_notice_requested", "workflow"),
    Subscription("workflow", "repair_notice_issued", "notification"),
    Subscription("workflow", "repair_notice_issued", "disclosure"),
    # temporary repair during a bankruptcy reorganisation (contracts/reorganisation.py)
    Subscription("intake", "reorganisation_changed", "disclosure"),
    Subscription("disclosure", "temporary_repair_changed", "intake"),
    # our own penalty withdrawn (review, court, correction): the subject is told by SMS ...
    Subscription("disclosure", "penalty_withdrawn", "notification"),
    # ... and the open repair cases about the record end as 无需修复
    Subscription("disclosure", "penalty_withdrawn", "workflow"),
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
    # the dead-letter queue first: a message past the limit needs somewhere to go
    channel.queue_declare(queue=sub.dead_letter_queue, durable=True,
                          arguments=dead_letter_queue_arguments())
    channel.queue_declare(queue=sub.queue, durable=True,
                          arguments=consumer_queue_arguments(sub.queue))
    channel.queue_bind(queue=sub.queue, exchange=sub.exchange, routing_key=sub.event_type)
    declare_redelivery(channel, sub.consumer, [sub.dead_letter_queue, sub.queue])


def ensure_subscription(connection, sub: Subscription) -> bool:
    """What a relay does at start: the consumer's queue is there (``make queues`` and every
    test run declare it as the broker's administrator). A relay declares nothing of its
    consumers': the queue dead-letters into its consumer's redelivery exchange, on which no
    other service may write."""
    import pika.exceptions

    channel = connection.channel()
    try:
        channel.queue_declare(queue=sub.queue, passive=True)
    except pika.exceptions.ChannelClosedByBroker:
        return False
    channel.close()
    return True


def declare_interagency_inbound(channel) -> None:
    """The inbound queue of other agencies' messages, its bindings and its ``.dlq``."""
    channel.exchange_declare(INTERAGENCY_EXCHANGE, exchange_type="topic", durable=True)
    channel.queue_declare(INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE, durable=True,
                          arguments=dead_letter_queue_arguments())
    channel.queue_declare(INTERAGENCY_INBOUND_QUEUE, durable=True,
                          arguments=consumer_queue_arguments(INTERAGENCY_INBOUND_QUEUE))
    for binding in INTERAGENCY_INBOUND_BINDINGS:
        channel.queue_bind(INTERAGENCY_INBOUND_QUEUE, INTERAGENCY_EXCHANGE, binding)
    declare_redelivery(channel, INTERAGENCY_CONSUMER,
                       [INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE, INTERAGENCY_INBOUND_QUEUE])
