"""The ``rpc`` entrypoint's replies with the real broker: sent on the service's own reply
channel, many at once, after that channel's connection broke, and an answer that cannot be
sent as JSON."""

from datetime import datetime, UTC

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
        return datetime.now(UTC)


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


class SlowProbe:
    name = "slow_probe"

    @rpc
    def pause(self, seconds):
        eventlet.sleep(seconds)
        return "done"


@pytest.fixture
def broker_proxy(amqp_uri):
    """A cuttable way to the broker; torn down after the containers that use it."""
    from urllib.parse import urlsplit

    from credit_common.testing.platform import free_port
    from credit_common.testing.tcp_proxy import TcpProxy

    broker = urlsplit(amqp_uri)
    proxy = TcpProxy(free_port(), (broker.hostname, broker.port or 5672))
    proxy.start()
    yield proxy
    proxy.stop()


def test_a_broker_out_of_reach_when_the_reply_is_due_does_not_kill_the_service(
        broker_proxy, container_factory, nameko_config, amqp_uri):
    """The reply is lost (the caller's timeout covers it); the service lives on and answers
    again once the broker can be reached."""
    import time
    from urllib.parse import urlsplit, urlunsplit

    broker = urlsplit(amqp_uri)
    through_proxy = urlunsplit(broker._replace(
        netloc=f"{broker.username}:{broker.password}@127.0.0.1:{broker_proxy.listen_port}"))
    container = container_factory(SlowProbe, {**nameko_config, "AMQP_URI": through_proxy})
    container.start()
    try:
        with ClusterRpcProxy(nameko_config, timeout=10) as caller:
            assert caller.slow_probe.pause(0) == "done"
            for _ in range(3):
                caller.slow_probe.pause.call_async(0.5)
            deadline = time.monotonic() + 30
            while probe_workers(container) < 3:
                assert time.monotonic() < deadline, "the calls never reached the service"
                eventlet.sleep(0.02)
            broker_proxy.stop()  # the broker is out of reach while the three answers are due
            while probe_workers(container) > 0:
                assert time.monotonic() < deadline, "the calls never finished"
                eventlet.sleep(0.02)
            assert not container._died.ready(), "the service container was killed"
    finally:
        if broker_proxy._server is None:
            broker_proxy.start()
    deadline = time.monotonic() + 30
    while True:
        try:
            with ClusterRpcProxy(nameko_config, timeout=2) as caller:
                assert caller.slow_probe.pause(0) == "done"
            break
        except Exception:  # noqa: BLE001 - not consuming again yet
            assert time.monotonic() < deadline, "the service did not answer again"
    assert not container._died.ready()


def probe_workers(container) -> int:
    return len(container._worker_threads)
