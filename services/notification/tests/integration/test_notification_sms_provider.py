"""SMS through a real HTTP server on localhost that fails, hangs and then recovers: the message
waits, is retried with backoff, and is delivered exactly once; nothing is lost meanwhile."""

from __future__ import annotations

import http.server
import json
import random
import threading
import time
import uuid

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from credit_common.nameko_ext.service import process_settings
from credit_common.testing.database_scan import columns_containing
from notification.adapters.in_flight import in_flight
from notification.service import NotificationService


class FlakyProvider(http.server.BaseHTTPRequestHandler):
    mode = "fail"            # fail | slow | ok
    delivered: list = []
    attempts = 0

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).attempts += 1
        mode = type(self).mode           # what the provider does with this request
        if mode == "slow":
            time.sleep(2.5)
        if mode != "ok":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'{"error": "provider down"}')
            return
        assert self.headers["Authorization"] == "Bearer test-key"
        # every request it accepts, a repeated message id too: a real provider may drop a
        # repeat, but a sender that repeats itself must show here
        type(self).delivered.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyProvider)
    FlakyProvider.mode, FlakyProvider.delivered, FlakyProvider.attempts = "fail", [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()


@pytest.fixture
def notification(container_factory, nameko_config, provider, monkeypatch):
    monkeypatch.setenv("SMS_PROVIDER", "http")
    monkeypatch.setenv("SMS_PROVIDER_URL", provider)
    monkeypatch.setenv("SMS_PROVIDER_KEY", "test-key")
    monkeypatch.setenv("SMS_PROVIDER_TIMEOUT_S", "1")
    monkeypatch.setenv("SMS_RETRY_CAP_S", "0.3")
    process_settings.cache_clear()
    container_factory(NotificationService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.notification
    process_settings.cache_clear()


def wait_for(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return value


def test_a_failing_then_hanging_provider_delays_the_sms_and_loses_nothing(notification,
                                                                         db_engine):
    phone, code = "135" + f"{random.randrange(10**8):08d}", f"{random.randrange(10**6):06d}"
    key = f"login:{uuid.uuid4()}"
    first = notification.send_sms(phone, "login_code", {"code": code, "minutes": 5}, key)
    again = notification.send_sms(phone, "login_code", {"code": code, "minutes": 5}, key)
    assert (first["queued"], again["queued"]) == (True, False)   # the same key sends once

    [state] = wait_for(lambda: [s for s in notification.sms_state(phone) if s["attempts"] >= 2])
    assert state["status"] == "pending" and "HTTP 500" in state["last_error"]

    FlakyProvider.mode = "slow"          # answers after the 1 s timeout
    before = state["attempts"]
    [state] = wait_for(lambda: [s for s in notification.sms_state(phone)
                                if s["attempts"] > before and "Timeout" in (s["last_error"] or "")])
    assert state["status"] == "pending"

    FlakyProvider.mode = "ok"            # the provider recovers
    wait_for(lambda: [s for s in notification.sms_state(phone) if s["status"] == "sent"])
    accepted = len(FlakyProvider.delivered)
    for _ in range(3):                   # more sending rounds: nothing is sent twice
        assert notification.deliver_pending_sms()["sent"] == 0
    assert accepted == len(FlakyProvider.delivered) == 1
    assert [d["phone"] for d in FlakyProvider.delivered] == [phone]
    assert code in FlakyProvider.delivered[0]["text"]    # only the provider got the code
    assert notification.sms_state(phone)[0]["status"] == "sent"
    assert columns_containing(db_engine["notification"], code) == []


def test_a_code_whose_text_no_process_holds_is_given_up_not_sent_masked(notification,
                                                                      db_engine):
    phone = "135" + f"{random.randrange(10**8):08d}"
    notification.send_sms(phone, "prove_phone", {"code": "654321", "minutes": 5},
                          f"prove:{uuid.uuid4()}")
    [message] = notification.sms_state(phone)
    in_flight.drop(message["id"])        # as if its process had restarted
    FlakyProvider.mode = "ok"
    [state] = wait_for(lambda: [s for s in notification.sms_state(phone)
                                if s["status"] == "failed"])
    assert state["last_error"] == "验证码已失效，未发送"
    assert FlakyProvider.delivered == []
