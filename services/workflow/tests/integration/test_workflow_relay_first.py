"""An event the real relay (``python -m intake relay``, as intake's own broker user) publishes
before workflow has ever started: the queue step (``make queues``; each test run) declared
the consumer's queue, the event waits there, and workflow handles it when it starts: one
case."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import datetime, UTC

import pika
from sqlalchemy import text
from sqlalchemy.orm import Session

from credit_common.contracts.events import ApplicationSubmitted
from credit_common.outbox import add_to_outbox
from credit_common.testing import isolation
from credit_common.testing.platform import wait_until
from credit_common.topology import find_subscription
from workflow.service import WorkflowService

SUBMITTED = find_subscription("intake", "application_submitted", "workflow")


def forget_the_consumer(amqp_uri) -> None:
    """As if workflow had never started here: none of its queues for the event exist."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    for queue in (SUBMITTED.queue, SUBMITTED.dead_letter_queue,
                  *(SUBMITTED.retry_queue(ms) for ms in isolation.RETRY_DELAYS_MS)):
        channel.queue_delete(queue)
    connection.close()


def waiting_in_queue(amqp_uri) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        return connection.channel().queue_declare(SUBMITTED.queue, passive=True
                                                  ).method.message_count
    finally:
        connection.close()


def test_an_event_the_relay_published_before_its_consumer_ever_started_is_handled_when_it_starts(
        container_factory, nameko_config, amqp_uri, db_engine, test_run_id, tmp_path):
    forget_the_consumer(amqp_uri)
    isolation.declare_platform_queues(isolation.vhost_name(test_run_id))
    application_id = uuid.uuid4()
    with Session(db_engine["intake"]) as session, session.begin():
        add_to_outbox(session, ApplicationSubmitted(
            application_id=application_id,
            acceptance_number=f"XF-440106-20261124-{uuid.uuid4().int % 10**6:06d}",
            record_type="penalty_publicity", subject_uscc="91440106MA59ABCD1M",
            subject_name="广州先发后收测试有限公司", district_code="440106",
            submitted_at=datetime.now(UTC)))

    env = {**os.environ, **isolation.environment(test_run_id), "RELAY_POLL_INTERVAL_S": "0.2"}
    with open(tmp_path / "relay.log", "wb") as log:
        relay = subprocess.Popen([sys.executable, "-m", "intake", "relay"], env=env,
                                 stdout=log, stderr=subprocess.STDOUT)
    try:
        def sent():
            with db_engine["intake"].connect() as conn:
                return conn.execute(text(
                    "SELECT sent_at IS NOT NULL FROM outbox WHERE routing_key = "
                    "'application_submitted' AND body->'data'->>'application_id' = :a"),
                    {"a": str(application_id)}).scalar_one()

        wait_until(sent, 30, interval=0.1, message="the relay to publish the row")
        assert waiting_in_queue(amqp_uri) >= 1, "the event was dropped: no queue to hold it"

        container_factory(WorkflowService, nameko_config).start()

        def cases():
            with db_engine["workflow"].connect() as conn:
                return conn.execute(text("SELECT count(*) FROM cases WHERE application_id = :a"),
                                    {"a": str(application_id)}).scalar_one()

        wait_until(cases, 30, interval=0.1, message="workflow to open the case")
        wait_until(lambda: waiting_in_queue(amqp_uri) == 0, 30, message="the queue to drain")
        assert cases() == 1
    finally:
        relay.terminate()
        try:
            relay.wait(10)
        except subprocess.TimeoutExpired:
            relay.kill()
