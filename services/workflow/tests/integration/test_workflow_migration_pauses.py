"""Migration 0011 on cases made before it: one waiting for correction is paused since its last
return and comes back with the days it had left; one resubmitted before it, waiting for
acceptance again, loses its long-passed decision due date (its acceptance starts the period
afresh, as before) instead of being escalated at once."""

from __future__ import annotations

import pathlib
import uuid
from datetime import date, datetime

from sqlalchemy import create_engine, text

from credit_common.clock import SHANGHAI
from credit_common.db_admin import drop_database, prepare_database
from credit_common.testing import isolation
from workflow.domain import pauses
from workflow.domain.model import Case
from workflow.domain.working_days import WorkingCalendar

REPO_ROOT = str(pathlib.Path(__file__).resolve().parents[4])


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=SHANGHAI)


def test_cases_from_before_the_pause_are_paused_or_start_afresh(test_run_id):
    database = f"credit_t{test_run_id}_workflow_pauses"
    url = isolation.role_url_template(database, "app").format(service="workflow")
    prepare_database(isolation.admin_url(), url,
                     isolation.role_url_template(database, "owner").format(service="workflow"),
                     statement_timeout_ms=15000, idle_in_transaction_timeout_ms=60000)
    engine = create_engine(isolation.as_role("workflow", url, "owner"))
    returned, resubmitted = uuid.uuid4(), uuid.uuid4()
    try:
        isolation.migrate("workflow", url, REPO_ROOT, revision="0010")
        with engine.begin() as conn:
            for case_id, status, decide_due in ((returned, "returned", date(2026, 10, 16)),
                                                (resubmitted, "pending_acceptance",
                                                 date(2026, 10, 16))):
                conn.execute(text(
                    "INSERT INTO cases (id, application_id, acceptance_number, record_type, "
                    "subject_uscc, subject_name, district_code, status, submitted_at, "
                    "opened_at, unit_code, accept_due, accepted_at, decide_due) VALUES (:id, "
                    ":app, :n, 'penalty_publicity', '91440106MA59ABCD1M', '迁移测试', '440106', "
                    ":s, :at, :at, '44010601', :due, :at, :decide)"),
                    {"id": case_id, "app": uuid.uuid4(), "n": f"XF-{case_id.hex[:20]}",
                     "s": status, "at": at("2026-09-25"), "due": date(2026, 9, 29),
                     "decide": decide_due})
                for action, day in (("return", "2026-09-28"), ("return", "2026-09-29")):
                    conn.execute(text(
                        "INSERT INTO case_steps (case_id, action, from_status, to_status, "
                        "officer_name, unit_code, occurred_at) VALUES (:c, :a, 'accepted', "
                        "'returned', '黄承办', '44010601', :at)"),
                        {"c": case_id, "a": action, "at": at(day)})
        isolation.migrate("workflow", url, REPO_ROOT)
        with engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(text(
                "SELECT id, status, decide_due, paused_since, paused_working_days_left, "
                "paused_working_days_total, pause_count FROM cases"))}
        waiting, again = rows[returned], rows[resubmitted]
        assert (waiting.paused_since, waiting.pause_count, waiting.decide_due,
                waiting.paused_working_days_left) == (at("2026-09-29"), 1,
                                                      date(2026, 10, 16), None)
        assert (again.decide_due, again.paused_since, again.pause_count) == (None, None, 0)

        # resubmitted on 9 October, the migrated case keeps the 9 working days it had
        case = Case(id=returned, application_id=uuid.uuid4(), acceptance_number="x",
                    record_type="penalty_publicity", subject_uscc="x", subject_name="x",
                    district_code="440106", status="returned", submitted_at=at("2026-09-25"),
                    opened_at=at("2026-09-25"), decide_due=waiting.decide_due,
                    paused_since=waiting.paused_since, pause_count=waiting.pause_count)
        pauses.resume(case, at("2026-10-09"), WorkingCalendar())
        assert case.decide_due == date(2026, 10, 21)
    finally:
        engine.dispose()
        drop_database(isolation.admin_url(), database)
