"""Faults injected into the run's own platform, counted afterwards: the broker closes every
connection of the run's vhost mid-load; PostgreSQL cut off (refusing) and then hanging behind
a proxy for every process of the run; every event delivered twice through a whole journey.
Nothing is lost, nothing is done twice, health names what is wrong within 2 s, and no request
hangs. Waits are on what the databases and the broker show, each with a deadline."""

from __future__ import annotations

import concurrent.futures
import shutil
import subprocess
import time
import uuid

import httpx
import pika
import pytest
from sqlalchemy import text

from credit_common import queues
from credit_common.testing import isolation
from credit_common.testing.platform import free_port, service_processes, wait_until
from credit_common.testing.tcp_proxy import TcpProxy
from tests.e2e.test_officer_journey import (act, add_officer, case_in_todo, officer_login,
                                           submitted_list_application)

CTL = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
#: what a request may answer while a dependency is gone: an error with a code, never a hang
FAULT_STATUSES = {503, 504}


def rabbitmqctl(*args: str) -> str:
    return subprocess.run([CTL, "-q", *args], check=True, capture_output=True, text=True,
                          timeout=60).stdout


def restart(platform, names, extra_env=None) -> None:
    for name in names:
        platform.stop(name)
    for name in names:
        platform.start(name, extra_env=extra_env)


def submit(platform, payload) -> tuple[int, str | None, float]:
    """(status, application id or error code, seconds): an error is a result, not a crash."""
    started = time.monotonic()
    with httpx.Client(base_url=platform.url, timeout=15) as client:
        response = client.post("/api/v1/dev/applications", json=payload)
    elapsed = time.monotonic() - started
    body = response.json()
    return response.status_code, body.get("id") if response.status_code == 201 else \
        body.get("code"), elapsed


def submit_many(platform, payloads, workers=6):
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda p: submit(platform, p), payloads))


def cases_by_application(db_engine, application_ids) -> dict[str, int]:
    with db_engine["workflow"].connect() as conn:
        return dict(conn.execute(text(
            "SELECT application_id::text, count(*) FROM cases "
            "WHERE application_id = ANY(CAST(:ids AS uuid[])) GROUP BY application_id"),
            {"ids": list(application_ids)}).all())


def applications_named(db_engine, prefix: str) -> list[str]:
    with db_engine["intake"].connect() as conn:
        return conn.execute(text("SELECT id::text FROM applications WHERE subject_name LIKE :p"),
                            {"p": f"{prefix}%"}).scalars().all()


def one_case_each(db_engine, application_ids, timeout=90) -> dict[str, int]:
    def all_opened():
        found = cases_by_application(db_engine, application_ids)
        return found if len(found) == len(set(application_ids)) else None

    return wait_until(all_opened, timeout, interval=0.3,
                      message=f"a case for each of {len(set(application_ids))} applications")


# -- the broker closes every connection of the run's vhost -------------------------------------

def test_all_connections_of_the_runs_vhost_closed_mid_load_lose_and_duplicate_nothing(
        platform, application_payload, db_engine, test_run_id):
    prefix = f"广州断连测试{uuid.uuid4().hex[:6]}"
    payloads = [application_payload(subject_name=f"{prefix}{i}有限公司") for i in range(90)]
    vhost = isolation.vhost_name(test_run_id)
    with concurrent.futures.ThreadPoolExecutor(1) as background:
        submitting = background.submit(submit_many, platform, payloads)
        wait_until(lambda: len(applications_named(db_engine, prefix)) >= 15, 60,
                   message="the first applications of the stream")
        rabbitmqctl("close_all_connections", "--vhost", vhost, "--limit", "1000",
                    "fault injected by test_faults")
        wait_until(lambda: len(applications_named(db_engine, prefix)) >= 50, 60,
                   message="applications after the first close")
        rabbitmqctl("close_all_connections", "--vhost", vhost, "--limit", "1000",
                    "fault injected by test_faults")
        results = submitting.result(timeout=180)

    accepted = [value for status, value, _ in results if status == 201]
    refused = [(status, value) for status, value, _ in results if status != 201]
    assert all(status in FAULT_STATUSES and value for status, value in refused), refused
    assert max(elapsed for *_, elapsed in results) < 10
    assert len(accepted) >= len(payloads) - 10, f"{len(refused)} refused: {refused}"
    # every application intake saved (a refused answer may still have saved one) gets a case
    saved = applications_named(db_engine, prefix)
    assert set(accepted) <= set(saved), "an accepted submission is not in intake"
    per_application = one_case_each(db_engine, saved)
    assert set(per_application.values()) == {1}, "an application got more than one case"
    platform.wait_healthy(timeout=30)


# -- PostgreSQL cut off, then hanging, behind a proxy ---------------------------------------

def healthz(platform) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = httpx.get(f"{platform.url}/healthz", timeout=10)
    return response.status_code, response.json(), time.monotonic() - started


def health_names_database(platform, state: str, within_s: float) -> dict:
    """The first /healthz whose checks say ``database: state``; each answer under 2 s."""
    deadline = time.monotonic() + within_s
    while True:
        status, body, elapsed = healthz(platform)
        assert elapsed < 2, f"/healthz took {elapsed:.2f} s"
        if body.get("checks", {}).get("database") == state:
            assert status == 503 and body["status"] == "degraded", body
            return body
        assert time.monotonic() < deadline, f"health never said database {state}: {body}"
        time.sleep(0.1)


@pytest.fixture
def database_behind_proxy(platform):
    """Every process of the run but the gateway reaches PostgreSQL through a proxy."""
    proxy = TcpProxy(free_port(), target=("127.0.0.1", 5432))
    proxy.start()
    template = platform.env["DATABASE_URL_TEMPLATE"]
    through = template.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.listen_port}")
    assert through != template
    names = service_processes()
    restart(platform, names, {"DATABASE_URL_TEMPLATE": through})
    platform.wait_healthy(timeout=60)
    try:
        yield proxy
    finally:
        proxy.stop()
        restart(platform, names)
        platform.wait_healthy(timeout=60)


def test_postgresql_unreachable_then_hanging_is_named_within_2_s_nothing_hangs_all_recovers(
        platform, database_behind_proxy, application_payload, db_engine):
    proxy = database_behind_proxy
    prefix = f"广州断库测试{uuid.uuid4().hex[:6]}"
    before = submit_many(platform, [application_payload(subject_name=f"{prefix}前{i}有限公司")
                                    for i in range(10)])
    assert {status for status, *_ in before} == {201}
    one_case_each(db_engine, [value for _, value, _ in before], timeout=30)

    # cut: connections are closed and new ones refused
    proxy.stop()
    body = health_names_database(platform, "unreachable", within_s=2)
    assert {body["checks"][f"{s}.database"] for s in ("intake", "workflow", "notification",
                                                      "disclosure")} == {"unreachable"}
    assert body["checks"]["broker"] == "ok"
    during = [submit(platform, application_payload(subject_name=f"{prefix}断{i}有限公司"))
              for i in range(5)]
    assert {status for status, *_ in during} <= FAULT_STATUSES, during
    assert all(code for _, code, _ in during)
    assert max(elapsed for *_, elapsed in during) < 3.5, during  # the RPC timeout is 2 s

    # back, then hanging: connections stay open and nothing answers (a stalled server)
    proxy.start()
    platform.wait_healthy(timeout=30)
    proxy.pause()
    body = health_names_database(platform, "timeout", within_s=2)
    assert body["checks"]["broker"] == "ok"
    stalled = [submit(platform, application_payload(subject_name=f"{prefix}停{i}有限公司"))
               for i in range(3)]
    assert {status for status, *_ in stalled} <= FAULT_STATUSES, stalled
    assert max(elapsed for *_, elapsed in stalled) < 3.5, stalled
    proxy.resume()

    platform.wait_healthy(timeout=30)
    after = submit_many(platform, [application_payload(subject_name=f"{prefix}后{i}有限公司")
                                   for i in range(10)])
    assert {status for status, *_ in after} == {201}
    # everything intake saved, before, during (a stalled call may have committed late) and
    # after, gets exactly one case
    saved = applications_named(db_engine, prefix)
    assert {value for _, value, _ in before + after} <= set(saved)
    assert set(one_case_each(db_engine, saved).values()) == {1}


# -- every event delivered twice through the whole journey ----------------------------------

def vhost_backlog(test_run_id: str) -> dict[str, int]:
    """Messages ready or unacknowledged in the run's event and retry queues (not the RPC
    replies, not the dead letters an earlier test may have left)."""
    out = rabbitmqctl("list_queues", "-p", isolation.vhost_name(test_run_id), "name",
                      "messages")
    rows = [line.split("\t") for line in out.splitlines() if "\t" in line]
    platform_queues = {q.name for q in queues.platform_queues(isolation.RETRY_DELAYS_MS)}
    # the platform's own queues only: another suite's probe queues share the run's vhost
    return {name: int(count) for name, count in rows
            if name in platform_queues and not name.endswith(".dlq") and int(count)}


def outbox_pending(db_engine) -> dict[str, int]:
    pending = {}
    for service, engine in db_engine.items():
        with engine.connect() as conn:
            pending[service] = conn.execute(text(
                "SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar_one()
    return {service: count for service, count in pending.items() if count}


def settled(db_engine, test_run_id, polls: int = 3) -> None:
    """Every outbox row sent and every event queue empty (acks included), several polls in a
    row: each delivery, the second copies too, has been handled and acked."""
    streak, last = 0, None

    def quiet():
        nonlocal streak, last
        last = (outbox_pending(db_engine), vhost_backlog(test_run_id))
        streak = streak + 1 if last == ({}, {}) else 0
        return streak >= polls

    try:
        wait_until(quiet, 60, interval=0.3, message="every event handled and acked")
    except AssertionError as error:
        raise AssertionError(f"{error}; outbox pending, queue backlog: {last}") from None


@pytest.fixture
def relays_publishing_twice(platform):
    relays = [name for name in service_processes() if name.endswith("_relay")]
    restart(platform, relays, {"RELAY_DUPLICATE_FOR_TESTS": "true"})
    try:
        yield
    finally:
        restart(platform, relays)


@pytest.fixture
def tap(amqp_uri):
    """A queue bound to every service's events: shows that each went out twice."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    queue = f"tap-{uuid.uuid4().hex[:8]}"
    channel.queue_declare(queue, exclusive=True)
    for source in ("intake", "workflow", "notification", "disclosure"):
        channel.exchange_declare(f"{source}.events", "topic", durable=True)
        channel.queue_bind(queue, f"{source}.events", "#")

    def seen() -> dict[str, int]:
        counts: dict[str, int] = {}
        while True:
            method, properties, _ = channel.basic_get(queue, auto_ack=True)
            if method is None:
                return counts
            counts[properties.message_id] = counts.get(properties.message_id, 0) + 1

    yield seen
    connection.close()


def test_the_journey_with_every_event_delivered_twice_has_each_effect_once(
        platform, http, db_engine, relays_publishing_twice, tap, test_run_id):
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"], "郑承办"))
    reviewer = officer_login(http, add_officer(db_engine, "44010601", ["reviewer"], "钱审核"))
    approver = officer_login(http, add_officer(db_engine, "44010601", ["approver"], "孙审批"))
    application, applicant, subject, record = submitted_list_application(
        http, db_engine["disclosure"])
    number = application["acceptance_number"]

    version = case_in_todo(http, handler, number)["version"]
    version = act(http, handler, number, "accept", version).json()["version"]
    version = act(http, handler, number, "verify", version, opinion="已补报年报").json()["version"]
    version = act(http, reviewer, number, "review", version, opinion="同意").json()["version"]
    approved = act(http, approver, number, "approve", version, opinion="准予移出经营异常名录")
    assert approved.status_code == 200, approved.text

    app_url = f"/api/v1/applicant/applications/{application['id']}"
    wait_until(lambda: http.get(app_url, headers=applicant).json()["status"] == "repaired", 30,
               interval=0.2, message="the applicant to see 予以修复")
    settled(db_engine, test_run_id)

    copies = tap()
    assert copies and set(copies.values()) == {2}, f"not every event went out twice: {copies}"
    with db_engine["workflow"].connect() as conn:
        cases = conn.execute(text("SELECT count(*) FROM cases WHERE application_id = :a"),
                             {"a": application["id"]}).scalar_one()
        approvals = conn.execute(text(
            "SELECT count(*) FROM case_steps s JOIN cases c ON c.id = s.case_id "
            "WHERE c.application_id = :a AND s.action = 'approve'"),
            {"a": application["id"]}).scalar_one()
    assert (cases, approvals) == (1, 1)
    history = http.get(f"/api/v1/public/records/{record}").json()["history"]
    assert [h["cause_kind"] for h in history].count("decision") == 1, history
    texts = [m["body"] for m in http.get("/api/v1/dev/sms", params={
        "phone": http.get(app_url, headers=applicant).json()["form"]["contact_phone"]}
    ).json()["items"]]
    assert sum(f"受理编号 {number}）当前状态：予以修复" in t for t in texts) == 1, texts
    titles = [m["title"] for m in http.get("/api/v1/applicant/inbox", headers=applicant
                                           ).json()["items"]]
    assert sorted(titles) == sorted(f"信用修复申请{label}：{number}"
                                    for label in ("待受理", "已受理/核实中", "予以修复")), titles
