"""What the foundation must survive, shown with the real processes: a killed consumer, a
broker the relay cannot reach, and a service that is not running."""

import concurrent.futures
import signal
import time

import httpx
from sqlalchemy import text

from credit_common.testing.platform import free_port, wait_until
from credit_common.testing.tcp_proxy import TcpProxy


def _submit_many(platform, payloads, workers=8):
    def submit(payload):
        with httpx.Client(base_url=platform.url, timeout=15) as client:
            response = client.post("/api/v1/dev/applications", json=payload)
            assert response.status_code == 201, response.text
            return response.json()["id"]

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(submit, payloads))


def _cases_per_application(db_engine, application_ids):
    with db_engine["workflow"].connect() as conn:
        rows = conn.execute(text(
            "SELECT application_id::text, count(*) FROM cases "
            "WHERE application_id = ANY(CAST(:ids AS uuid[])) GROUP BY application_id"
        ), {"ids": application_ids}).all()
    return dict(rows)


def test_kill_9_of_workflow_while_intake_publishes_loses_and_duplicates_nothing(
        platform, application_payload, db_engine):
    payloads = [application_payload(subject_name=f"广州杀进程测试{i}有限公司") for i in range(120)]
    with concurrent.futures.ThreadPoolExecutor(1) as background:
        submitting = background.submit(_submit_many, platform, payloads)
        # let some cases be opened, then kill workflow in the middle of the stream
        wait_until(lambda: _count_cases(db_engine, "广州杀进程测试%") >= 10, 30,
                   message="the first cases of the stream")
        workflow = platform.processes["workflow"]
        platform.kill9("workflow")
        # killed by the signal, with cases of the stream still to open: in the middle of it
        assert workflow.returncode == -signal.SIGKILL, workflow.returncode
        assert _count_cases(db_engine, "广州杀进程测试%") < len(payloads)
        application_ids = submitting.result(timeout=120)
    platform.start("workflow")

    def all_opened():
        per_application = _cases_per_application(db_engine, application_ids)
        return per_application if len(per_application) == len(application_ids) else None

    per_application = wait_until(all_opened, 60, interval=0.2, message="a case per application")
    assert set(per_application) == set(application_ids)
    assert set(per_application.values()) == {1}, "an application got more than one case"


def _count_cases(db_engine, subject_name_like):
    with db_engine["workflow"].connect() as conn:
        return conn.execute(text("SELECT count(*) FROM cases WHERE subject_name LIKE :n"),
                            {"n": subject_name_like}).scalar_one()


def test_outbox_rows_wait_while_the_relay_cannot_reach_the_broker(
        platform, application_payload, db_engine, amqp_uri):
    proxy_port = free_port()
    proxy = TcpProxy(proxy_port)
    intake_uri = platform.env["AMQP_URI_TEMPLATE"].format(service="intake")
    platform.stop("intake_relay")
    platform.start("intake_relay", extra_env={
        "INTAKE_AMQP_URI": intake_uri.replace("127.0.0.1:5672", f"127.0.0.1:{proxy_port}")})
    try:
        # the relay starts with the broker unreachable: nothing can leave
        first = _submit_many(platform, [application_payload() for _ in range(10)])
        time.sleep(2)  # long enough for several reconnect attempts; asserting nothing happened
        assert _pending(db_engine, first) == len(first)
        assert _cases_per_application(db_engine, first) == {}

        proxy.start()  # the broker is back: everything waiting is delivered
        wait_until(lambda: len(_cases_per_application(db_engine, first)) == len(first), 30,
                   message="cases for rows published after the broker came back")
        assert _pending(db_engine, first) == 0

        proxy.stop()  # cut it again while connected, submit more, then restore
        second = _submit_many(platform, [application_payload() for _ in range(10)])
        time.sleep(1)
        proxy.start()
        wait_until(lambda: len(_cases_per_application(db_engine, second)) == len(second), 30,
                   message="cases for rows written while the broker was cut off")
        assert set(_cases_per_application(db_engine, first + second).values()) == {1}
    finally:
        proxy.stop()
        platform.stop("intake_relay")
        platform.start("intake_relay")


def _pending(db_engine, application_ids):
    with db_engine["intake"].connect() as conn:
        return conn.execute(text(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL "
            "AND routing_key = 'application_submitted' "
            "AND body->'data'->>'application_id' = ANY(:ids)"), {"ids": application_ids}
        ).scalar_one()


def test_a_call_to_a_service_that_is_not_running_answers_within_the_timeout(platform, http):
    platform.stop("workflow")
    try:
        started = time.monotonic()
        response = http.get("/api/v1/dev/cases/XF-440106-20260101-000001")
        elapsed = time.monotonic() - started
        assert response.status_code in (503, 504), response.text
        body = response.json()
        assert body["code"] in ("SERVICE_UNAVAILABLE", "SERVICE_TIMEOUT", "GATEWAY_TIMEOUT")
        assert body["message"] and body["request_id"]
        assert elapsed < 2 + 1.5, f"took {elapsed:.1f} s with a 2 s timeout"

        health = http.get("/healthz")
        assert health.status_code == 503
        assert "workflow" in health.json()["details"]["down"]
        assert "workflow" in health.json()["message"]
    finally:
        platform.start("workflow")
        platform.wait_consuming("workflow")
    assert http.get("/healthz").status_code == 200
