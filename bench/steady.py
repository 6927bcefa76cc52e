"""A steady load of submissions and approvals through the gateway while faults are injected,
and the count afterwards: nothing lost, nothing done twice (``make chaos`` and the end-to-end
test that kills every process kind).

Submissions are ``bench.load``'s (same idempotency keys and subject name, so its
``account`` counts them). Approvals act on cases prepared at the approval step: each case has
its application in intake (with a contact phone of its own) and an active record in the
registry, so one approval must give exactly one decision document (rendered), one disclosure
change, one repaired application and one SMS to that phone.

Every request has a client timeout; a request the gateway did not answer within it is a hang.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx
import sqlalchemy as sa
from stdnum.cn import uscc

from bench import data_scale, database, load
from credit_common.testing.platform import latest_login_code

APPROVER_UNIT = "44010601"
#: what an approval asked again answers when the first one went through
ANSWERED_BEFORE = ("STALE_VERSION", "ILLEGAL_TRANSITION")
#: the client gives up on a request after this long: a hang, not an answer
CLIENT_TIMEOUT_S = 10


@dataclass
class Call:
    kind: str  # submit | approve
    key: str
    sent_at: float  # time.monotonic()
    elapsed_s: float
    status: int | None  # None: no answer (connection refused or reset, or the timeout)
    code: str | None  # the error envelope's code, or the exception's name
    application_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400

    @property
    def hang(self) -> bool:
        return self.code == "ReadTimeout"


def _code(response: httpx.Response) -> str | None:
    try:
        return response.json().get("code")
    except (ValueError, AttributeError):
        return None


# -- approvals prepared in the databases ------------------------------------------------------

def prepare_approvals(urls: dict[str, str], count: int, tag: str) -> dict:
    """``count`` cases at the approval step in ``APPROVER_UNIT`` and an approver to approve
    them (written as intake, workflow and the registry would have written them). The cases
    name the registered subject: an approval looks it up in the registry again."""
    engines = {s: sa.create_engine(urls[s]) for s in ("intake", "workflow", "disclosure")}
    approver_phone = "137" + f"{random.randrange(10**8):08d}"
    cases = []
    try:
        with engines["disclosure"].begin() as conn:
            body = "91440106" + f"CH{random.randrange(10**7):07d}"
            subject_code = body + uscc.calc_check_digit(body)
            subject_id = uuid.uuid4()
            conn.execute(sa.text(
                "INSERT INTO subjects (id, uscc, name, kind, district_code, "
                "registration_unit_code, address, legal_rep_name, legal_rep_document_type, "
                "legal_rep_document_number, legal_rep_phone, liaison_phone) VALUES (:id, :u, "
                ":n, 'enterprise', '440106', '44010601', '广州市天河区天河路 1 号', '陈大文', "
                "'passport', 'H12345678', :p, '')"),
                {"id": subject_id, "u": subject_code,
                 "n": f"广州故障{tag}科技有限公司", "p": approver_phone})
            for n in range(count):
                record_id = uuid.uuid4()
                data_scale.add_listed_record(conn, record_id, subject_id, APPROVER_UNIT,
                                             f"chaos-{tag}-{n}")
                cases.append({"record_id": str(record_id), "case_id": str(uuid.uuid4()),
                              "application_id": str(uuid.uuid4()),
                              "acceptance_number": f"XF-C{tag}{n:05d}",
                              "phone": "136" + f"{random.randrange(10**8):08d}", "version": 4})
        with engines["workflow"].begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, "
                "'故障审批', :u, ARRAY['approver'])"),
                {"id": uuid.uuid4(), "p": approver_phone, "u": APPROVER_UNIT})
            conn.execute(sa.text(
                "INSERT INTO cases (id, application_id, acceptance_number, record_type, "
                "subject_uscc, subject_name, district_code, status, submitted_at, opened_at, "
                "unit_code, record_ids, accept_due, version) VALUES (:case_id, :application_id, "
                ":acceptance_number, 'abnormal_operation_list', :subject_code, :name, "
                "'440106', 'under_approval', now(), now(), :unit, CAST(:records AS jsonb), "
                "current_date + 5, 4)"),
                [{**c, "name": f"广州故障{tag}科技有限公司", "unit": APPROVER_UNIT,
                  "subject_code": subject_code,
                  "records": json.dumps([c["record_id"]])} for c in cases])
        with engines["intake"].begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO applications (id, acceptance_number, record_type, subject_uscc, "
                "subject_name, district_code, status, case_id, submitted_at, updated_at, form, "
                "case_version) VALUES (:application_id, :acceptance_number, "
                "'abnormal_operation_list', :subject_code, :name, '440106', 'accepted', "
                ":case_id, now(), now(), CAST(:form AS jsonb), 3)"),
                [{**c, "name": f"广州故障{tag}科技有限公司", "subject_code": subject_code,
                  "form": json.dumps({"contact_phone": c["phone"]})} for c in cases])
    finally:
        for engine in engines.values():
            engine.dispose()
    return {"approver_phone": approver_phone, "cases": cases}


def approver_headers(gateway_url: str, phone: str) -> dict:
    with httpx.Client(base_url=gateway_url, timeout=CLIENT_TIMEOUT_S) as client:
        client.post("/api/v1/officer/auth/code", json={"phone": phone}).raise_for_status()
        tokens = client.post("/api/v1/officer/auth/login", json={
            "phone": phone, "code": latest_login_code(client, phone)})
        tokens.raise_for_status()
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


# -- the load -------------------------------------------------------------------------------

@dataclass
class SteadyLoad:
    gateway_url: str
    marker: str
    submit_rate: float
    approvals: list[dict] = field(default_factory=list)
    approve_rate: float = 0.0
    headers: dict = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    submissions: list[load.Submission] = field(default_factory=list)
    #: acceptance numbers whose approval the gateway confirmed (200, or 409 on a retry)
    approved: set[str] = field(default_factory=set)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> SteadyLoad:
        self._pool = concurrent.futures.ThreadPoolExecutor(24)
        self._local = threading.local()
        for target in (self._submitting, self._approving):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(CLIENT_TIMEOUT_S + 5)
        self._pool.shutdown(wait=True)

    def _client(self) -> httpx.Client:
        if not hasattr(self._local, "client"):
            self._local.client = httpx.Client(base_url=self.gateway_url,
                                              timeout=CLIENT_TIMEOUT_S)
        return self._local.client

    def _record(self, call: Call) -> Call:
        with self._lock:
            self.calls.append(call)
        return call

    def _request(self, kind: str, key: str, method: str, path: str, **kwargs) -> Call:
        started = time.monotonic()
        try:
            response = self._client().request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            return self._record(Call(kind, key, started, time.monotonic() - started, None,
                                     type(exc).__name__))
        call = Call(kind, key, started, time.monotonic() - started, response.status_code,
                    None if response.status_code < 400 else _code(response))
        if kind == "submit" and response.status_code == 201:
            call.application_id = response.json()["id"]
        return self._record(call)

    def _submit(self, n: int, wall: float) -> None:
        key = f"bench-{self.marker}-{n}"
        body = {"record_type": load.RECORD_TYPES[n % len(load.RECORD_TYPES)],
                "subject_uscc": load._subject_code(),
                "subject_name": load.SUBMISSION_NAME.format(marker=self.marker),
                "district_code": load.DISTRICT_CODES[n % len(load.DISTRICT_CODES)]}
        call = self._request("submit", key, "POST", "/api/v1/dev/applications", json=body,
                             headers={"Idempotency-Key": key})
        with self._lock:
            self.submissions.append(load.Submission(
                key=key, sent_at=wall, answered_ms=call.elapsed_s * 1000, status=call.status,
                application_id=call.application_id, error=call.code))

    def _submitting(self) -> None:
        started = time.monotonic()
        for n in itertools.count():
            due = started + n / self.submit_rate
            if self._stop.wait(max(0.0, due - time.monotonic())):
                return
            self._pool.submit(self._submit, n, time.time())

    def _approving(self) -> None:
        if not self.approvals or not self.approve_rate:
            return
        waiting = list(self.approvals)
        failed_before: set[str] = set()
        client = httpx.Client(base_url=self.gateway_url, timeout=CLIENT_TIMEOUT_S,
                              headers=self.headers)
        self._local.client = client
        started = time.monotonic()
        try:
            for n in itertools.count():
                if not waiting:
                    return
                due = started + n / self.approve_rate
                if self._stop.wait(max(0.0, due - time.monotonic())):
                    return
                case = waiting.pop(0)
                number = case["acceptance_number"]
                call = self._request("approve", number, "POST",
                                     f"/api/v1/officer/cases/{number}/actions",
                                     json={"action": "approve", "version": case["version"],
                                           "opinion": "准予"})
                if call.status == 200 or (call.code in ANSWERED_BEFORE
                                          and number in failed_before):
                    self.approved.add(number)
                else:
                    # asked again later: a 409 then means the first one went through
                    failed_before.add(number)
                    waiting.append(case)
        finally:
            client.close()


# -- the count ------------------------------------------------------------------------------

def _approval_effects(urls: dict[str, str], cases: list[dict]) -> dict[str, dict[str, int]]:
    """Per acceptance number: how many times each effect of an approval happened."""
    numbers = [c["acceptance_number"] for c in cases]
    effects = {n: {} for n in numbers}
    queries = {
        "workflow": [
            ("approved", "SELECT acceptance_number, count(*) FROM cases WHERE acceptance_number "
                         "= ANY(:numbers) AND status = 'approved' GROUP BY 1", "numbers"),
            ("decisions", "SELECT c.acceptance_number, count(*) FROM documents d JOIN cases c "
                          "ON c.id = d.case_id WHERE c.acceptance_number = ANY(:numbers) AND "
                          "d.kind = 'repair_decision' AND d.pdf IS NOT NULL GROUP BY 1",
             "numbers")],
        "intake": [
            ("repaired", "SELECT acceptance_number, count(*) FROM applications WHERE "
                         "acceptance_number = ANY(:numbers) AND status = 'repaired' GROUP BY 1",
             "numbers")],
        "disclosure": [
            ("disclosure_changes", "SELECT record_id::text, count(*) FROM record_history WHERE "
                                   "record_id = ANY(CAST(:records AS uuid[])) AND cause_kind = "
                                   "'decision' GROUP BY 1", "records")],
        "notification": [
            ("sms", "SELECT phone, count(*) FROM sms_messages WHERE phone = ANY(:phones) AND "
                    "body LIKE '%予以修复%' GROUP BY 1", "phones")],
    }
    by_record = {c["record_id"]: c["acceptance_number"] for c in cases}
    by_phone = {c["phone"]: c["acceptance_number"] for c in cases}
    params = {"numbers": numbers, "records": list(by_record), "phones": list(by_phone)}
    for service, listed in queries.items():
        with database.engine(urls[service]) as engine:
            with engine.connect() as conn:
                for effect, query, key in listed:
                    for ref, count in conn.execute(sa.text(query), {key: params[key]}):
                        number = {"records": by_record, "phones": by_phone}.get(key, {}).get(
                            ref, ref)
                        effects[number][effect] = count
    return effects


APPROVAL_EFFECTS = ("approved", "decisions", "repaired", "disclosure_changes", "sms")


def account_approvals(urls: dict[str, str], cases: list[dict], confirmed: set[str],
                      wait_s: float) -> dict:
    """Wait (at most ``wait_s``) until every approved case has each effect, then count: an
    approval the gateway confirmed without its case approved, or an approved case without one
    of its effects, is lost; an effect twice is duplicated."""
    deadline = time.monotonic() + wait_s
    while True:
        effects = _approval_effects(urls, cases)
        approved = {n for n, e in effects.items() if e.get("approved")} | confirmed
        complete = all(effects[n].get(e) for n in approved for e in APPROVAL_EFFECTS)
        if complete or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    lost = {e: sum(1 for n in approved if not effects[n].get(e)) for e in APPROVAL_EFFECTS}
    duplicated = {e: sum(max(0, effects[n].get(e, 0) - 1) for n in effects)
                  for e in APPROVAL_EFFECTS}
    # an effect of a case nobody approved is one too many as well
    duplicated["effect_without_approval"] = sum(
        1 for n, e in effects.items() if n not in approved and any(e.values()))
    return {
        "confirmed": len(confirmed),
        **{e: sum(effects[n].get(e, 0) for n in effects) for e in APPROVAL_EFFECTS},
        "lost": lost, "duplicated": duplicated,
        "lost_total": sum(lost.values()), "duplicated_total": sum(duplicated.values()),
    }


def failed(call: Call) -> bool:
    return not call.ok and not (call.kind == "approve" and call.code in ANSWERED_BEFORE)


def failures_between(calls: list[Call], start: float, end: float) -> dict[str, int]:
    """Failed requests sent in [start, end): how many of each ``status code``."""
    counted: dict[str, int] = {}
    for call in calls:
        if start <= call.sent_at < end and failed(call):
            label = f"{call.status or '-'} {call.code or ''}".strip()
            counted[label] = counted.get(label, 0) + 1
    return counted


def first_success_after(calls: list[Call], moment: float) -> float | None:
    """When the first request sent after ``moment`` succeeded (its answer's time)."""
    answered = [c.sent_at + c.elapsed_s for c in calls if c.sent_at >= moment and c.ok]
    return min(answered) if answered else None


def bad_failures(calls: list[Call], gateway_down: list[tuple[float, float]] = ()) -> list[Call]:
    """Failures a client must never see: a hang, an error that is not 503/504 with a code, or
    no answer at all to a request the gateway was up for all along (``gateway_down``: its
    restarts; a request still in flight when the gateway went down loses its connection)."""
    def bad(call: Call) -> bool:
        if not failed(call):
            return False
        if call.hang:
            return True
        if call.status is None:
            return not any(call.sent_at <= end and start <= call.sent_at + call.elapsed_s
                           for start, end in gateway_down)
        return call.status not in (503, 504) or not call.code

    return [c for c in calls if bad(c)]
