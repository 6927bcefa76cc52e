"""The end-to-end suite's scan of dead-letter headers finds a number left unmasked."""

import pika

from credit_common.testing.log_scan import scan_dead_letters
from credit_common.topology import SUBSCRIPTIONS, declare_subscription


def test_an_unmasked_mobile_in_a_dead_letter_reason_is_found_and_the_message_stays(amqp_uri):
    subscription = SUBSCRIPTIONS[0]
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, subscription)
    channel.queue_purge(subscription.dead_letter_queue)
    for reason in ("phone 138****0001 refused", "phone 13800000001 refused"):
        channel.basic_publish("", subscription.dead_letter_queue, b"{}", pika.BasicProperties(
            message_id=reason[-8:], headers={"x-dead-letter-reason": reason}))
    try:
        scan = scan_dead_letters(amqp_uri)
        assert scan.items >= 2
        assert [found for _, _, found in scan.leaks] == ["13800000001"]
        assert channel.queue_declare(subscription.dead_letter_queue,
                                     passive=True).method.message_count == 2
    finally:
        channel.queue_purge(subscription.dead_letter_queue)
        connection.close()
