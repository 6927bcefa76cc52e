"""End-to-end submissions under load, and the loss check that must stay at zero.

Many concurrent HTTP clients (``CLIENTS`` keep-alive connections driven by asyncio) post
applications to the gateway at a fixed offered rate (an open loop: a slow platform does
not slow the clients down, so queueing shows in the latency). Each submission is timed from
the moment its request is sent until workflow opened its case (``cases.opened_at``, stamped
in the handler's transaction). Afterwards every submission is accounted for in both
services' databases: a submission the gateway answered with 201 and that has no application,
an application with no case, or a case intake never heard of is *lost*; a second application
for one idempotency key or a second case for one application is *duplicated*.

While the load runs the CPU time of every process (from ``/proc``) is read before and after,
and the resident memory of the services and the gateway is sampled.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import statistics
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httptools
import sqlalchemy as sa
import uvloop
from stdnum.cn import uscc

from credit_common.contracts.vocabulary import RecordType
from credit_common.reference.organisation import DISTRICTS
from credit_common.topology import SERVICES

from bench import database
from bench.http import Answer

CLIENTS = 64
#: the machine counts as quiet below this share of both cores busy (the idle platform's
#: timers, relays and RabbitMQ take 1–3 %)
QUIET_BUSY_PERCENT = 10
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
RECORD_TYPES = [t.value for t in RecordType]
DISTRICT_CODES = sorted(DISTRICTS)
#: the subject name of every bench submission (the marker makes each run's own)
SUBMISSION_NAME = "广州压测{marker}商贸有限公司"


@dataclass
class Submission:
    key: str
    sent_at: float  # wall clock, comparable with the database's timestamps
    answered_ms: float | None = None
    status: int | None = None
    application_id: str | None = None
    error: str | None = None


def _subject_code() -> str:
    body = "91440106" + f"MA{uuid.uuid4().int % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


class _Connection:
    """One keep-alive HTTP/1.1 connection that posts JSON and reads the answer.

    The generator shares the platform's two cores, so it must cost little: httpx measured
    4.7–6.7 ms of CPU per request here (asyncio and uvloop alike), which at 150 requests/s
    is most of a core taken from the platform; this costs about 0.1 ms."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode() + body)
        answer = Answer()
        parser = httptools.HttpResponseParser(answer)
        while not answer.complete:
            data = await self.reader.read(65536)
            if not data:
                self.writer = None
                raise ConnectionError("the gateway closed the connection")
            parser.feed_data(data)
        return parser.get_status_code(), bytes(answer.body)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _submit(connection: _Connection, marker: str, n: int, scheduled_at: float
                  ) -> Submission:
    # timed from when it was due: if every connection is busy, the wait counts too
    sent = Submission(key=f"bench-{marker}-{n}", sent_at=scheduled_at)
    body = json.dumps({
        "record_type": RECORD_TYPES[n % len(RECORD_TYPES)],
        "subject_uscc": _subject_code(),
        "subject_name": SUBMISSION_NAME.format(marker=marker),
        "district_code": DISTRICT_CODES[n % len(DISTRICT_CODES)]}, ensure_ascii=False).encode()
    try:
        status, answer = await asyncio.wait_for(connection.post(
            "/api/v1/dev/applications", body, {"Idempotency-Key": sent.key}), 30)
        sent.status = status
        if status == 201:
            sent.application_id = json.loads(answer)["id"]
        else:
            sent.error = answer[:200].decode(errors="replace")
    except (TimeoutError, OSError, httptools.HttpParserError) as exc:
        connection.close()
        connection.writer = None
        sent.error = repr(exc)
    sent.answered_ms = (time.time() - scheduled_at) * 1000
    return sent


async def _open_loop(gateway_url: str, marker: str, rate: float, seconds: float
                     ) -> list[Submission]:
    """Submissions fall due at ``rate`` per second whatever the platform does; ``CLIENTS``
    connections carry them, each one request at a time."""
    address = urlsplit(gateway_url)
    due: asyncio.Queue = asyncio.Queue()
    done: list[Submission] = []

    async def client() -> None:
        connection = _Connection(address.hostname, address.port)
        try:
            while (item := await due.get()) is not None:
                done.append(await _submit(connection, marker, *item))
        finally:
            connection.close()

    clients = [asyncio.create_task(client()) for _ in range(CLIENTS)]
    loop = asyncio.get_running_loop()
    started, wall = loop.time(), time.time()
    for n in range(int(rate * seconds)):
        delay = started + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        due.put_nowait((n, wall + n / rate))
    for _ in clients:
        due.put_nowait(None)
    await asyncio.gather(*clients)
    return done


# -- the platform's processes -------------------------------------------------------------

def _stat(pid: int) -> tuple[int, int] | None:
    """(own CPU ticks, CPU ticks of reaped children) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_KB / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None


def _pids(pattern: str, exact: bool = False) -> list[int]:
    found = subprocess.run(["pgrep", "-x" if exact else "-f", pattern], capture_output=True,
                           text=True)
    return [int(p) for p in found.stdout.split()]


@dataclass
class CpuMeter:
    """CPU time of groups of processes over one window; a group's reaped children count too
    (a PostgreSQL backend that exits hands its time to the postmaster). Each group is listed
    again at the end: a process that started during the window (a backend for a connection a
    pool opened under load) counts with all its time, which it spent inside the window."""
    groups: dict[str, Callable[[], list[int]]]
    before: dict[int, int] = field(default_factory=dict)
    generator_before: float = 0.0

    @staticmethod
    def _ticks(pid: int) -> int:
        stat = _stat(pid)
        return 0 if stat is None else stat[0] + stat[1]

    def start(self) -> None:
        self.before = {pid: self._ticks(pid) for find in self.groups.values() for pid in find()}
        self.generator_before = time.process_time()

    def stop(self) -> dict[str, float]:
        spent = {}
        for name, find in self.groups.items():
            ticks = sum(self._ticks(pid) - self.before.get(pid, 0) for pid in find())
            spent[name] = ticks * 1000 / CLOCK_TICKS
        spent["load generator"] = (time.process_time() - self.generator_before) * 1000
        return spent


def platform_groups(processes: dict[str, subprocess.Popen]) -> dict[str, Callable[[], list[int]]]:
    groups: dict[str, Callable[[], list[int]]] = {
        name: (lambda pid=process.pid: [pid]) for name, process in processes.items()}
    groups["rabbitmq"] = lambda: _pids("beam.smp")
    groups["postgresql"] = lambda: _pids("postgres", exact=True)
    return groups


class MemorySampler:
    """Peak resident memory of each process while the load runs."""

    def __init__(self, processes: dict[str, subprocess.Popen], interval_s: float = 0.25):
        self.pids = {name: process.pid for name, process in processes.items()}
        self.interval_s = interval_s
        self.peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def at_rest(self) -> dict[str, float]:
        return {name: round(_rss_mb(pid) or 0.0, 1) for name, pid in self.pids.items()}

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak.get(name, 0.0), _rss_mb(pid) or 0.0)
            self._stop.wait(self.interval_s)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)


# -- accounting ----------------------------------------------------------------------------

def close_submitted_cases(workflow_url: str) -> None:
    """Close the cases the bench's submissions opened, this run's and any earlier run's, once
    they are counted: otherwise every run adds thousands of open cases, and the todo list
    measured on 100,000 of them grows run after run. (Applications stay: their timelines are
    append-only, and nothing measured reads them.)"""
    with database.engine(workflow_url) as engine:
        with engine.begin() as conn:
            conn.execute(sa.text(
                "UPDATE cases SET status = 'closed', closed_at = now() "
                "WHERE subject_name LIKE :p AND status <> 'closed'"),
                {"p": SUBMISSION_NAME.format(marker="%")})


def account(intake_url: str, workflow_url: str, marker: str, submissions: list[Submission],
            wait_s: float) -> dict:
    """Wait until every saved application has its case and intake knows it (or ``wait_s``
    passes), then count what was lost and what was duplicated."""
    name = SUBMISSION_NAME.format(marker=marker)
    with database.engine(intake_url) as intake, database.engine(workflow_url) as workflow:
        # the wait polls by index (this run's idempotency keys, then their applications'
        # cases): scanning by subject name every 0.2 s cost PostgreSQL CPU that the meter
        # counted against the submissions
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            with intake.connect() as conn:
                waiting = conn.execute(sa.text(
                    "SELECT id::text, case_id FROM applications WHERE idempotency_key >= :a "
                    "AND idempotency_key < :b"),
                    {"a": f"bench-{marker}-", "b": f"bench-{marker}."}).all()
            with workflow.connect() as conn:
                opened = conn.execute(sa.text(
                    "SELECT count(*) FROM cases WHERE application_id = ANY(CAST(:ids AS uuid[]))"),
                    {"ids": [a.id for a in waiting]}).scalar_one()
            if opened >= len(waiting) and all(a.case_id for a in waiting):
                break
            time.sleep(0.2)
        # the count itself looks by subject name, so a case for no application shows too
        with intake.connect() as conn:
            applications = conn.execute(sa.text(
                "SELECT id::text, idempotency_key, case_id::text FROM applications "
                "WHERE subject_name = :name"), {"name": name}).all()
        with workflow.connect() as conn:
            cases = conn.execute(sa.text(
                "SELECT id::text, application_id::text, opened_at FROM cases "
                "WHERE subject_name = :name"), {"name": name}).all()

    answered = {s.key: s for s in submissions if s.status == 201}
    keys = [a.idempotency_key for a in applications]
    application_ids = {a.id for a in applications}
    cases_of: dict[str, list] = {}
    for case in cases:
        cases_of.setdefault(case.application_id, []).append(case)
    lost = {
        "answered_without_application": sum(1 for key in answered if key not in set(keys)),
        "application_without_case": sum(1 for a in applications if a.id not in cases_of),
        "case_unknown_to_intake": sum(1 for a in applications
                                      if a.id in cases_of and not a.case_id),
    }
    duplicated = {
        "applications_per_key": len(keys) - len(set(keys)),
        "cases_per_application": sum(len(c) - 1 for c in cases_of.values()),
        "case_without_application": sum(1 for app in cases_of if app not in application_ids),
    }

    sent_at = {s.application_id: s.sent_at for s in answered.values()}
    to_case_ms = [(case.opened_at.timestamp() - sent_at[case.application_id]) * 1000
                  for case in cases if case.application_id in sent_at]
    # cases opened per second between the first and the last: at an offered rate the
    # platform keeps up with, this is the offered rate; when it falls behind, the tail grows
    opened = sorted(case.opened_at.timestamp() for case in cases)
    span = opened[-1] - opened[0] if len(opened) > 1 else 0.0
    return {
        "sent": len(submissions),
        "answered_201": len(answered),
        "errors": len(submissions) - len(answered),
        "error_sample": next((s.error for s in submissions if s.error), None),
        "applications": len(applications),
        "cases": len(cases),
        "achieved_per_s": round((len(opened) - 1) / span, 1) if span else 0.0,
        "answer_ms": latency_summary([s.answered_ms for s in answered.values()]),
        "until_case_ms": latency_summary(to_case_ms),
        "lost": lost,
        "duplicated": duplicated,
        "lost_total": sum(lost.values()),
        "duplicated_total": sum(duplicated.values()),
    }


def latency_summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"count": 0}
    ordered = sorted(latencies)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)

    return {"count": len(ordered), "median": round(statistics.median(ordered), 1),
            "p95": pick(0.95), "p99": pick(0.99), "max": round(ordered[-1], 1)}


def settle(database_url_template: str, timeout_s: float = 120) -> None:
    """Wait until earlier sections' work is done (every outbox published, every document
    rendered, the machine quiet), so that its CPU is not counted against the submissions."""
    checks = {service: "SELECT count(*) FROM outbox WHERE sent_at IS NULL"
              for service in SERVICES}
    checks["workflow"] += " UNION ALL SELECT count(*) FROM documents WHERE pdf IS NULL"
    engines = {s: sa.create_engine(database_url_template.format(service=s)) for s in checks}
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            pending = 0
            for service, query in checks.items():
                with engines[service].connect() as conn:
                    pending += sum(conn.execute(sa.text(query)).scalars())
            if not pending:
                break
            time.sleep(0.5)
    finally:
        for engine in engines.values():
            engine.dispose()
    # published is not yet consumed: events still in queues keep a core busy
    wait_until_quiet(max(deadline - time.monotonic(), 0))


def wait_until_quiet(timeout_s: float = 60) -> None:
    """Wait (at most ``timeout_s``) for a second in which both cores were mostly idle: the
    two cores slow each other down, so a section that starts while the last one's work still
    runs is measured on a slower machine."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and machine_busy_percent(1.0) > QUIET_BUSY_PERCENT:
        pass


def reference_work_ms() -> float:
    """The CPU time of a fixed piece of single-threaded Python (JSON and hashing), median of
    five, taken while the platform idles: the same code every run, so a higher figure means
    the machine itself runs slower just then. Not meaningful while anything else runs: the
    two cores slow each other down (13.4 ms with the other core idle, 24.3 ms with a busy
    loop on it)."""
    document = {"items": [{"n": i, "name": "广州基准商贸有限公司", "codes": list(range(20))}
                          for i in range(200)]}
    times = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(5):
            text = json.dumps(document, ensure_ascii=False)
            json.loads(text)
            hashlib.sha256(text.encode() * 20).digest()
        times.append((time.process_time() - started) * 1000)
    return round(statistics.median(times), 1)


def _machine_ticks() -> list[int]:
    """The machine's CPU ticks so far, from the first line of ``/proc/stat``: user, nice,
    system, idle, iowait, irq, softirq, steal (guest time is inside user)."""
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1:9]]


def machine_cpu_ticks() -> tuple[int, int]:
    """(all, stolen) ticks of the machine so far."""
    fields = _machine_ticks()
    return sum(fields), fields[7]


def machine_busy_percent(interval_s: float) -> float:
    """The share of the machine's CPU time (both cores) spent busy over ``interval_s``."""
    before = _machine_ticks()
    time.sleep(interval_s)
    after = _machine_ticks()
    total = sum(after) - sum(before)
    idle = (after[3] + after[4]) - (before[3] + before[4])  # idle and iowait
    return 100 * (1 - idle / total) if total > 0 else 0.0


def stolen_percent(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of the machine's CPU time the hypervisor gave to others in between."""
    total = after[0] - before[0]
    return round(100 * (after[1] - before[1]) / total, 1) if total > 0 else 0.0


def run_load(gateway_url: str, database_url_template: str,
             processes: dict[str, subprocess.Popen], rate: float, seconds: float) -> dict:
    """One load phase at ``rate`` submissions/s for ``seconds``; the figures and the check."""
    settle(database_url_template)
    intake_url = database_url_template.format(service="intake")
    workflow_url = database_url_template.format(service="workflow")
    marker = uuid.uuid4().hex[:8]
    meter = CpuMeter(platform_groups(processes))
    sampler = MemorySampler(processes)
    at_rest = sampler.at_rest()
    reference_ms = reference_work_ms()
    with sampler:
        meter.start()
        ticks_before = machine_cpu_ticks()
        submissions = uvloop.run(_open_loop(gateway_url, marker, rate, seconds))
        ticks_after = machine_cpu_ticks()
        result = account(intake_url, workflow_url, marker, submissions, wait_s=60)
        spent = meter.stop()
    close_submitted_cases(workflow_url)
    done = max(result["cases"], 1)
    result.update({
        "offered_per_s": rate,
        "seconds": seconds,
        "cpu_stolen_pct": stolen_percent(ticks_before, ticks_after),
        "reference_work_ms": reference_ms,
        "cpu_ms_per_submission": {name: round(ms / done, 2) for name, ms in spent.items()},
        "cpu_ms_per_submission_total": round(sum(spent.values()) / done, 2),
        "memory_mb": {name: {"at_rest": at_rest[name], "under_load": round(peak, 1)}
                      for name, peak in sampler.peak.items()},
    })
    return result
