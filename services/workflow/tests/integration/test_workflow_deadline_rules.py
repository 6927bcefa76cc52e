"""Deadline rule versions in a real container: only an administrator adds one, a version off
the schema or in force already is refused with nothing stored, and the deadline check reminds
by the lead of the version in force on the day it runs."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, UTC

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.clock import now
from workflow.service import WorkflowService

BASELINE = {"accept_working_days": 2,
            "decide_working_days": {"serious_illegal_list": 15, "abnormal_operation_list": 5,
                                    "individual_abnormal_status": 5,
                                    "cooperative_abnormal_list": 5, "penalty_publicity": 15,
                                    "other_department_penalty": 5, "bankruptcy_reorganisation": 15},
            "remind_working_days_before": 1}


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


def add_officer(engine, unit: str, roles: list[str]) -> str:
    officer_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, '规则测试', "
            ":u, :r)"), {"id": officer_id, "p": f"135{uuid.uuid4().int % 10**8:08d}",
                         "u": unit, "r": roles})
    return officer_id


def stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT version, effective_from, source, rules, created_by FROM deadline_rules "
            "ORDER BY effective_from"))]


def refused(call, exc_type: str, code: str) -> None:
    with pytest.raises(RemoteError) as raised:
        call()
    assert raised.value.exc_type == exc_type
    assert raised.value.value.startswith(f"{code}: ")


def a_monday_years_ahead() -> date:
    """A day no other test gives a version (every test run gets its own database, but the
    suites of a run share it)."""
    start = date(2031, 1, 6)                                  # a Monday
    return start + timedelta(weeks=random.randrange(52 * 9))


def add_case(engine, due: date) -> str:
    number = f"XF-440112-20261207-{uuid.uuid4().int % 10**6:06d}"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO cases (id, application_id, acceptance_number, record_type, "
            "subject_uscc, subject_name, district_code, status, submitted_at, opened_at, "
            "unit_code, accept_due) VALUES (:id, :app, :n, 'penalty_publicity', "
            "'91440112MA59RULE1X', '广州提醒测试有限公司', '440112', 'pending_acceptance', :at, "
            ":at, '44011201', :due)"),
            {"id": uuid.uuid4(), "app": uuid.uuid4(), "n": number,
             "at": datetime.now(UTC), "due": due})
    return number


def reminded(engine, numbers) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text(
            "SELECT body->'data'->>'acceptance_number' FROM outbox WHERE routing_key = "
            "'case_deadline' AND body->'data'->>'kind' = 'reminder' AND "
            "body->'data'->>'acceptance_number' = ANY(:n)"), {"n": list(numbers)}).scalars())


def test_an_administrator_adds_a_version_whose_lead_the_reminders_follow(
        workflow, nameko_config, db_engine):
    engine = db_engine["workflow"]
    admin = add_officer(engine, "440100", ["administrator"])
    handler = add_officer(engine, "44011201", ["handler"])
    effective = a_monday_years_ahead()
    name = f"t{uuid.uuid4().hex[:12]}"
    rules = {**BASELINE, "remind_working_days_before": 3,
             "decide_working_days": {**BASELINE["decide_working_days"], "penalty_publicity": 20}}
    version = {"version": name, "effective_from": effective.isoformat(),
               "source": "测试：提前三个工作日提醒", "rules": rules}
    before = stored(engine)
    with ClusterRpcProxy(nameko_config) as proxy:
        rpc = proxy.workflow
        refused(lambda: rpc.add_deadline_rule_version(handler, version), "Forbidden",
                "ROLE_REQUIRED")
        off_schema = {**version, "rules": {**rules, "accept_working_days": 0}}
        refused(lambda: rpc.add_deadline_rule_version(admin, off_schema), "ValidationFailed",
                "INVALID_DEADLINE_RULES")
        missing = {**version, "rules": {k: v for k, v in rules.items()
                                        if k != "remind_working_days_before"}}
        refused(lambda: rpc.add_deadline_rule_version(admin, missing), "ValidationFailed",
                "INVALID_DEADLINE_RULES")
        today = {**version, "effective_from": now().date().isoformat()}
        refused(lambda: rpc.add_deadline_rule_version(admin, today), "ValidationFailed",
                "EFFECTIVE_DATE_NOT_IN_FUTURE")
        assert stored(engine) == before                        # nothing of them stored

        added = rpc.add_deadline_rule_version(admin, version)
        assert added == {"version": name, "effective_from": effective.isoformat(),
                         "source": "测试：提前三个工作日提醒", "rules": rules}
        again = {**version, "version": name + "b"}             # the same effective date
        refused(lambda: rpc.add_deadline_rule_version(admin, again), "Conflict",
                "RULE_VERSION_EXISTS")
        listed = rpc.deadline_rule_versions(admin)
        mine = next(v for v in listed if v["version"] == name)
        assert (mine["rules"], mine["created_by"], mine["in_force"]) == (rules, admin, False)
        assert [v["version"] for v in listed if v["in_force"]] == ["2021.1"]
        assert next(v for v in listed if v["version"] == "2021.1")["source"]
        refused(lambda: rpc.deadline_rule_versions(handler), "Forbidden", "ROLE_REQUIRED")
    assert len(stored(engine)) == len(before) + 1

    # the version's day is a Monday beyond chinese_calendar: Monday to Friday
    due = {n: add_case(engine, effective + timedelta(days=n)) for n in (1, 3, 4)}
    with ClusterRpcProxy(nameko_config) as proxy:
        # the Friday before, the version in force reminds one working day ahead (Monday)
        proxy.workflow.check_deadlines((effective - timedelta(days=3)).isoformat())
        assert reminded(engine, due.values()) == set()
        # from its effective day, three: Tuesday and Thursday, not Friday
        proxy.workflow.check_deadlines(effective.isoformat())
        assert reminded(engine, due.values()) == {due[1], due[3]}
