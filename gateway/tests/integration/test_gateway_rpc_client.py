"""The gateway's pika RPC client against the real broker and a real Nameko service process."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
import uuid

import pytest

from credit_common.testing.isolation import vhost_name
from credit_common.testing.tcp_proxy import TcpProxy
from gateway.rpc.client import RemoteError, RpcClient, RpcTimeout, ServiceUnavailable
from credit_common.testing.platform import free_port

PROBE = "gateway_probe"


def run(coroutine_function, amqp_uri, timeout_s=2.0, **client_options):
    """Run ``coroutine_function(client)`` with a started client, then close it."""

    async def main():
        client = RpcClient(amqp_uri, timeout_s=timeout_s, **client_options)
        assert await client.start(wait_s=5), "the client did not connect"
        try:
            return await coroutine_function(client)
        finally:
            await client.close()

    return asyncio.run(main())


def test_a_call_returns_the_services_result(probe, amqp_uri):
    async def scenario(client):
        return await client.call(PROBE, "echo", kwargs={"value": {"名称": "天河", "n": [1, 2]}})

    assert run(scenario, amqp_uri) == {"名称": "天河", "n": [1, 2]}


def test_concurrent_calls_each_get_their_own_reply(probe, amqp_uri):
    async def scenario(client):
        return await asyncio.gather(*(client.call(PROBE, "echo", args=[i]) for i in range(200)))

    assert run(scenario, amqp_uri) == list(range(200))


def test_a_request_goes_to_the_broker_in_one_write_even_past_the_frame_size(probe, amqp_uri):
    big = "信" * 200_000  # 600 KB of UTF-8: several body frames at the broker's frame size

    async def scenario(client):
        writes = []
        emit = client._connection._adapter_emit_data
        client._connection._adapter_emit_data = lambda data: (writes.append(len(data)),
                                                              emit(data))[1]
        return await client.call(PROBE, "echo", args=[big]), writes

    result, writes = run(scenario, amqp_uri)
    assert result == big
    assert max(writes) > len(big.encode()), "method, header and body frames in one write"


def test_an_unknown_service_fails_at_once_instead_of_waiting_for_the_timeout(probe, amqp_uri):
    async def scenario(client):
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable) as raised:
            await client.call("no_such_service", "anything")
        return time.monotonic() - started, raised.value

    elapsed, error = run(scenario, amqp_uri, timeout_s=10)
    assert error.service == "no_such_service"
    assert elapsed < 5, "the returned message should end the call long before its timeout"


def test_an_unknown_method_is_a_remote_method_not_found(probe, amqp_uri):
    async def scenario(client):
        with pytest.raises(RemoteError) as raised:
            await client.call(PROBE, "no_such_method")
        return raised.value

    error = run(scenario, amqp_uri)
    assert error.exc_path == "nameko.exceptions.MethodNotFound"


def test_a_service_error_arrives_with_its_type_code_message_and_details(probe, amqp_uri):
    async def scenario(client):
        with pytest.raises(RemoteError) as raised:
            await client.call(PROBE, "find", kwargs={"key": "k1"})
        return raised.value

    error = run(scenario, amqp_uri)
    assert error.exc_path == "credit_common.errors.NotFound"
    # details travel as JSON text, so numbers and booleans survive Nameko's str()
    assert error.exc_args == ["THING_NOT_FOUND", "未找到该事项", '{"key": "k1"}']


def test_a_slow_call_times_out_and_its_late_reply_does_not_disturb_later_calls(probe, amqp_uri):
    async def scenario(client):
        with pytest.raises(RpcTimeout):
            await client.call(PROBE, "slow", args=[1.0], timeout_s=0.3)
        await asyncio.sleep(1.0)  # the late reply arrives now and must be dropped
        return await client.call(PROBE, "echo", args=["after"])

    assert run(scenario, amqp_uri) == "after"


def test_the_request_id_reaches_the_worker_context(probe, amqp_uri):
    async def scenario(client):
        return await client.call(PROBE, "context", request_id="req-xyz")

    data = run(scenario, amqp_uri)
    assert data["request_id"] == "req-xyz"
    assert data["call_id_stack"][0].startswith(f"gateway.{PROBE}.context.")
    assert data["call_id_stack"][-1].startswith(f"{PROBE}.context.")


def test_a_request_nobody_took_before_the_timeout_never_runs_later(probe, amqp_uri, tmp_path):
    marker = tmp_path / "ran"
    probe.stop()  # its durable queue stays, so the request is accepted but not consumed
    try:
        async def scenario(client):
            with pytest.raises(RpcTimeout):
                await client.call(PROBE, "touch", args=[str(marker)], timeout_s=0.5)

        run(scenario, amqp_uri)
        time.sleep(0.6)
    finally:
        probe.start()
    run(lambda client: client.call(PROBE, "echo", args=[1]), amqp_uri)
    assert not marker.exists(), "an expired request was executed after the caller gave up"


def test_when_the_broker_is_cut_off_calls_fail_fast_and_the_client_reconnects(probe, amqp_uri):
    port = free_port()
    proxy = TcpProxy(port)
    proxy.start()
    proxied_uri = amqp_uri.replace("127.0.0.1:5672", f"127.0.0.1:{port}")

    async def scenario(client):
        assert await client.call(PROBE, "echo", args=["before"]) == "before"
        in_flight = asyncio.ensure_future(client.call(PROBE, "slow", args=[2], timeout_s=10))
        await asyncio.sleep(0.2)
        proxy.stop()
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable):
            await in_flight
        with pytest.raises(ServiceUnavailable):
            await client.call(PROBE, "echo", args=["during"], timeout_s=10)
        failed_within = time.monotonic() - started
        proxy.start()
        deadline = time.monotonic() + 20
        while True:
            try:
                return failed_within, await client.call(PROBE, "echo", args=["after"])
            except ServiceUnavailable:
                assert time.monotonic() < deadline, "the client did not reconnect"
                await asyncio.sleep(0.1)

    try:
        failed_within, answer = run(scenario, proxied_uri)
    finally:
        proxy.stop()
    assert answer == "after"
    assert failed_within < 5, "calls hung while the broker was unreachable"


def _close_connection_named(vhost: str, name: str) -> None:
    """What a broker restart does to one connection, without restarting the shared broker."""
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    listed = subprocess.run(
        [ctl, "-q", "list_connections", "--no-table-headers", "-p", vhost, "pid",
         "client_properties"], check=True, capture_output=True, text=True, timeout=60)
    for line in listed.stdout.splitlines():
        pid, _, properties = line.partition("\t")
        if f'{{"connection_name","{name}"}}' in properties:
            subprocess.run([ctl, "-q", "close_connection", pid.strip(), "test restart"],
                           check=True, capture_output=True, timeout=60)
            return
    raise AssertionError(f"no connection named {name}: {listed.stdout[:500]}")


def test_the_client_reconnects_after_the_broker_closes_its_connection(probe, amqp_uri,
                                                                       test_run_id):
    name = f"gateway-test-{uuid.uuid4().hex[:8]}"

    async def scenario(client):
        assert await client.call(PROBE, "echo", args=[1]) == 1
        await asyncio.to_thread(_close_connection_named, vhost_name(test_run_id), name)
        deadline = time.monotonic() + 20
        while True:
            try:
                return await client.call(PROBE, "echo", args=[2])
            except ServiceUnavailable:
                assert time.monotonic() < deadline, "the client did not reconnect"
                await asyncio.sleep(0.1)

    assert run(scenario, amqp_uri, connection_name=name) == 2
