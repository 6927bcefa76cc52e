"""The ``rpc`` entrypoint's replies with the real broker: sent on the service's own reply
channel, many at once, after that channel's connection broke, and an answer that cannot be
sent as JSON."""

from datetime import datetime, timezone

import eventlet
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from credit_common.nameko_ext.entrypoints import ReplyChannel, rpc


class ReplyProbe:
    name = "reply_probe"

    @rpc
    def echo(self, value):
        eventlet.sleep(0.01)  # so that replies of concurrent calls overlap
        return {"value": value, "中文": "可以"}

    @rpc
    def a_datetime(self):
        return datetime.now(timezone.utc)


@pytest.fixture
def probe(container_factory, nameko_config):
    container = container_factory(ReplyProbe, nameko_config)
    container.start()
    return container


def reply_channel(container) -> ReplyChannel:
    [channel] = [e for e in container.extensions if isinstance(e, ReplyChannel)]
    return channel


def test_concurrent_calls_each_get_their_own_answer(probe, nameko_config):
    with ClusterRpcProxy(nameko_config, timeout=10) as proxy:
        calls = [proxy.reply_probe.echo.call_async(i) for i in range(50)]
        assert [call.result()["value"] for call in calls] == list(range(50))
        assert proxy.reply_probe.echo("再来")["中文"] == "可以"


def test_a_broken_reply_connection_is_replaced_and_the_answer_still_sent(probe, nameko_config):
    with ClusterRpcProxy(nameko_config, timeout=10) as proxy:
        assert proxy.reply_probe.echo(1)["value"] == 1
        channel = reply_channel(probe)
        broken = channel._connection
        broken.connection.transport.sock.close()
        assert proxy.reply_probe.echo(2)["value"] == 2
        assert channel._connection is not broken


def test_an_answer_that_is_not_json_reaches_the_caller_as_an_error(probe, nameko_config):
    with ClusterRpcProxy(nameko_config, timeout=10) as proxy:
        with pytest.raises(RemoteError) as raised:
            proxy.reply_probe.a_datetime()
        assert raised.value.exc_type == "UnserializableValueError"
        assert proxy.reply_probe.echo(3)["value"] == 3
