"""Workflow's own figures on its metrics endpoint, read from its database when Prometheus
scrapes (every workflow process reports the same, whole-platform counts)."""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily

from credit_common.clock import now
from workflow.adapters.repository import CaseRepository


def case_metrics(session) -> list[GaugeMetricFamily]:
    counts = CaseRepository(session).counts(None, None, now().date())
    cases = GaugeMetricFamily("workflow_cases", "Cases by status", labels=["status"])
    for status, count in sorted(counts["by_status"].items()):
        cases.add_metric([status], count)
    overdue = GaugeMetricFamily("workflow_cases_overdue", "Running cases past their deadline")
    overdue.add_metric([], counts["overdue"])
    return [cases, overdue]
