"""Schemathesis over the whole OpenAPI document, against the running platform: valid and
invalid requests to every operation, as an applicant, as an officer (city bureau, every role)
and anonymously for the public routes. No answer may be a 5xx, and every 4xx must be the
platform's error envelope: a stable code, a Chinese message and the request id.

Derandomized (the same requests every run); bounded by ``EXAMPLES`` per operation."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from sqlalchemy import text

from tests.e2e import registry
from tests.e2e.test_applicant_journey import TODAY, prepare
from tests.e2e.test_officer_journey import (add_officer, case_in_todo, officer_login,
                                            submitted_list_application)

#: generated cases per operation (valid and invalid together); ~70 operations
EXAMPLES = 36
MINIMUM_REQUESTS = 2000
CODE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: they end the session the rest of the run uses: fuzzed last
LAST = ("/api/v1/applicant/auth/logout", "/api/v1/officer/auth/logout")


def problem(response) -> str | None:
    """What is wrong with an answer, or None."""
    if response.status_code >= 500:
        return f"{response.status_code}: {response.text[:300]}"
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} not JSON: {response.text[:200]}"
    if not isinstance(body, dict):
        return f"{response.status_code} not an error object: {body!r:.200}"
    if not CODE.fullmatch(str(body.get("code", ""))):
        return f"{response.status_code} without a code: {body!r:.300}"
    if not isinstance(body.get("message"), str) or not CJK.search(body["message"]):
        return f"{response.status_code} without a Chinese message: {body!r:.300}"
    echoed = response.headers.get("x-request-id")
    echoed = echoed[0] if isinstance(echoed, list) else echoed  # schemathesis keeps lists
    if not body.get("request_id") or body["request_id"] != echoed:
        return f"{response.status_code} without the request id: {body!r:.300}"
    return None


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


@pytest.fixture
def restored_settings(db_engine):
    """Calendar overrides, rule versions and publicity-term versions the fuzzing adds are taken
    out again: the other tests count working days on this run's calendar."""
    with db_engine["workflow"].connect() as conn:
        days = conn.execute(text("SELECT day FROM calendar_overrides")).scalars().all()
    with db_engine["intake"].connect() as conn:
        versions = conn.execute(text("SELECT version FROM rule_versions")).scalars().all()
    with db_engine["disclosure"].connect() as conn:
        terms = conn.execute(text("SELECT version FROM publicity_term_versions")).scalars().all()
    yield
    with db_engine["workflow"].begin() as conn:
        conn.execute(text("DELETE FROM calendar_overrides WHERE NOT (day = ANY(:d))"),
                     {"d": list(days)})
    with db_engine["intake"].begin() as conn:
        conn.execute(text("DELETE FROM rule_versions WHERE NOT (version = ANY(:v))"),
                     {"v": list(versions)})
    with db_engine["disclosure"].begin() as conn:
        conn.execute(text("DELETE FROM publicity_term_versions WHERE NOT (version = ANY(:v))"),
                     {"v": list(terms)})


def test_fuzzing_finds_no_server_error_and_every_refusal_is_in_the_envelope(
        http, platform, db_engine, disclosure_db, restored_settings):
    # an applicant with a bound subject and a draft; a city-bureau officer with every role
    # and a case: generated requests also reach real resources, not only refusals
    phone, subject, applicant = prepare(http, disclosure_db,
                                        record_type="abnormal_operation_list")
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=90))
    draft = http.post("/api/v1/applicant/applications", headers=applicant, json={
        "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record], "contact_name": "陈大文", "contact_phone": phone}).json()
    officer = officer_login(http, add_officer(
        db_engine, "440100", ["handler", "reviewer", "approver", "administrator"], "全能人员"))
    case, *_ = submitted_list_application(http, disclosure_db)
    case_in_todo(http, officer, case["acceptance_number"])
    known = {"application_id": draft["id"], "code": subject["uscc"],
             "acceptance_number": case["acceptance_number"]}

    document = http.get("/openapi.json").json()
    document["paths"] = {p: ops for p, ops in document["paths"].items()
                         if not p.startswith("/api/v1/dev/")}
    schema = schemathesis.openapi.from_dict(document)
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: (op.path in LAST, op.path, op.method))
    assert len(operations) > 60, [op.label for op in operations]

    session = requests.Session()
    statuses: Counter = Counter()
    failures: dict[str, list[str]] = {}
    started = time.monotonic()
    for operation in operations:
        who = (applicant if operation.path.startswith("/api/v1/applicant/")
               else officer if operation.path.startswith(("/api/v1/officer/", "/api/v1/admin/"))
               else {})
        mine = {name: value for name, value in known.items()
                if "{" + name + "}" in operation.path}
        strategies = [operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE)]
        if mine:  # the caller's own resource too, so the handlers behind the refusals run
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE,
                                                    path_parameters=mine))

        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(strategies))
        def fuzz(case):  # run within this iteration: its loop variables are the current ones
            response = case.call(base_url=platform.url, session=session,
                                 headers=who, timeout=15)  # noqa: B023
            statuses[response.status_code // 100 * 100] += 1
            if (wrong := problem(response)) is not None:
                failures.setdefault(operation.label, []).append(  # noqa: B023
                    f"{case.method} {case.formatted_path} query={case.query!r:.120} "
                    f"body={case.body!r:.160} -> {wrong}")

        try:
            fuzz()
        except Unsatisfiable:
            pass  # an operation without any input to vary (the requests sent still count)

    elapsed = time.monotonic() - started
    total = sum(statuses.values())
    print(f"\nschemathesis: {total} requests to {len(operations)} operations in "
          f"{elapsed:.0f} s, by status class {dict(sorted(statuses.items()))}; "
          f"{sum(map(len, failures.values()))} bad answers")
    assert not failures, "\n".join(f"{label}: {len(found)} bad, e.g. {found[:3]}"
                                   for label, found in failures.items())
    assert total >= MINIMUM_REQUESTS, f"only {total} requests generated"
