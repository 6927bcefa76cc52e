"""Metrics at the gateway and at every service process."""

import httpx

from credit_common.testing.platform import wait_until


def test_gateway_metrics_count_requests_and_rpc_calls(http, application_payload):
    http.post("/api/v1/dev/applications", json=application_payload())
    text = http.get("/metrics").text
    assert "gateway_request_seconds" in text
    assert 'gateway_rpc_seconds' in text and 'service="intake"' in text


def test_each_service_serves_latency_outbox_backlog_and_dead_letters(platform, http,
                                                                     application_payload):
    http.post("/api/v1/dev/applications", json=application_payload())
    for service in ("intake", "workflow", "notification", "disclosure"):
        url = f"http://127.0.0.1:{platform.ports[service]}/metrics"

        def scraped(url=url):
            try:
                return httpx.get(url, timeout=5).text
            except httpx.HTTPError:
                return None

        text = wait_until(scraped, 10, message=f"{service} metrics endpoint")
        assert f'outbox_backlog{{service="{service}"}}' in text
        assert "service_entrypoint_seconds" in text
    workflow = httpx.get(f"http://127.0.0.1:{platform.ports['workflow']}/metrics").text
    assert ('dead_letter_messages{queue="workflow--intake.application_submitted.dlq",'
            'service="workflow"}') in workflow
    assert 'entrypoint="on_application_submitted"' in workflow
