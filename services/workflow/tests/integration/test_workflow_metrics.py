"""Cases by status and the overdue count on workflow's metrics endpoint, read from the real
database when scraped: two cases added move exactly their figures."""

from __future__ import annotations

import re
import urllib.request
import uuid
from datetime import date, timedelta

from sqlalchemy import text

from credit_common.clock import now
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import rpc
from credit_common.nameko_ext.observability import MetricsServer
from credit_common.testing.platform import free_port
from workflow.config import WorkflowSettings
from workflow.metrics import case_metrics
from workflow.service import WorkflowService

_settings = {}
SAMPLE = re.compile(r'^(workflow_cases(?:_overdue)?)(?:\{status="([a-z_]+)"\})? ([0-9.e+]+)$')


class ProbeMetrics:
    name = "probe_workflow_metrics"
    db = DatabaseSession(lambda: _settings["settings"])
    metrics = MetricsServer(lambda: _settings["settings"], collect=case_metrics)

    @rpc
    def ping(self):
        return "pong"


def scrape(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        lines = response.read().decode().splitlines()
    figures = {}
    for line in lines:
        if match := SAMPLE.match(line):
            name, status, value = match.groups()
            figures[status or name] = float(value)
    return figures


def add_case(db_engine, status: str, decide_due: date) -> None:
    submitted = now() - timedelta(days=30)
    with db_engine["workflow"].begin() as conn:
        conn.execute(text(
            "INSERT INTO cases (id, application_id, acceptance_number, record_type, "
            "subject_uscc, subject_name, district_code, status, submitted_at, opened_at, "
            "unit_code, accept_due, accepted_at, decide_due) VALUES (:id, :app, :n, "
            "'penalty_publicity', '91440113MA59STAT1X', '指标测试有限公司', '440113', :status, "
            ":submitted, :submitted, '44011301', :accept_due, :submitted, :decide_due)"), {
                "id": uuid.uuid4(), "app": uuid.uuid4(),
                "n": f"XF-440113-{submitted:%Y%m%d}-8{uuid.uuid4().int % 10**5:05d}",
                "status": status, "submitted": submitted,
                "accept_due": submitted.date() + timedelta(days=2), "decide_due": decide_due})


def test_the_service_reports_its_cases_on_the_metrics_endpoint():
    assert WorkflowService.metrics.collect is case_metrics


def test_cases_by_status_and_overdue_move_with_the_cases_added(
        run_environment, container_factory, nameko_config, db_engine):
    port = free_port()
    _settings["settings"] = WorkflowSettings(metrics_port=port)
    container_factory(ProbeMetrics, nameko_config).start()
    before = scrape(port)
    add_case(db_engine, "under_review", now().date() - timedelta(days=3))  # running, overdue
    add_case(db_engine, "under_review", now().date() + timedelta(days=30))
    after = scrape(port)
    assert after["under_review"] - before.get("under_review", 0) == 2
    assert after["workflow_cases_overdue"] - before["workflow_cases_overdue"] == 1
    others = {k for k in after if k not in ("under_review", "workflow_cases_overdue")}
    assert {k: after[k] for k in others} == {k: before.get(k, 0) for k in others}
