"""The bench's instruments: anchors and paths are taken in alternating rounds, and its lean
HTTP client reads what a server answers (keep-alive, chunked, closed connections, errors)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import http as bench_http
from bench import timing
from bench.run import measure_in_rounds


class RecordingProbe:
    def __init__(self, name: str, log: list):
        self.name, self.log = name, log
        self.closed = False

    def block(self, calls: int) -> list[float]:
        self.log.append((self.name, calls))
        return [float(len(self.log))] * calls

    def close(self) -> None:
        self.closed = True


def test_every_round_takes_a_block_of_each_probe_starting_at_the_next_one():
    log, probes = [], {}
    factories = {name: (lambda name=name: probes.setdefault(name, RecordingProbe(name, log)))
                 for name in ("a", "b", "c")}

    latencies = measure_in_rounds(factories, rounds=3, calls=30, warmup=5)

    assert log[:3] == [("a", 5), ("b", 5), ("c", 5)]  # warm-up, not counted
    rounds = [[name for name, _ in log[i:i + 3]] for i in (3, 6, 9)]
    assert rounds == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
    assert {name: len(values) for name, values in latencies.items()} == {"a": 30, "b": 30,
                                                                          "c": 30}
    assert all(probe.closed for probe in probes.values())


def test_probes_already_opened_are_closed_when_a_later_one_fails_to_open():
    opened = RecordingProbe("a", [])

    def broken():
        raise RuntimeError("no broker")

    with pytest.raises(RuntimeError, match="no broker"):
        measure_in_rounds({"a": lambda: opened, "b": broken}, rounds=2, calls=4, warmup=1)
    assert opened.closed


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    connections: set = set()

    def log_message(self, *_args) -> None:
        pass

    def _answer(self, status: int, body: bytes, *, chunked: bool = False,
                close: bool = False) -> None:
        _Handler.connections.add(self.client_address)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if close:
            self.send_header("Connection", "close")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (body[:5], body[5:]):
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        if close:
            self.close_connection = True

    def do_GET(self) -> None:
        if self.path.startswith("/missing"):
            self._answer(404, json.dumps({"code": "NOT_FOUND"}).encode())
        else:
            self._answer(200, json.dumps({"path": self.path,
                                          "auth": self.headers["Authorization"]}).encode(),
                         chunked=self.path.startswith("/chunked"),
                         close=self.path.startswith("/close"))

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(201, json.dumps({"received": json.loads(body)}, ensure_ascii=False
                                     ).encode())


@pytest.fixture
def server():
    _Handler.connections = set()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_lean_client_keeps_one_connection_and_reads_plain_and_chunked_answers(server):
    with bench_http.Client(server, headers={"Authorization": "Bearer t"}) as client:
        plain = client.get("/cases", params={"limit": 20}).raise_for_status()
        chunked = client.get(f"{server}/chunked/x").raise_for_status()
        posted = client.post("/actions", json={"action": "受理"})

    assert plain.json() == {"path": "/cases?limit=20", "auth": "Bearer t"}
    assert chunked.json()["path"] == "/chunked/x"
    assert (posted.status_code, posted.json()) == (201, {"received": {"action": "受理"}})
    assert len(_Handler.connections) == 1


def test_the_lean_client_reconnects_after_the_server_closed_and_raises_on_an_error(server):
    with bench_http.Client(server) as client:
        assert client.get("/close").status_code == 200
        assert client.get("/again").json()["path"] == "/again"
        missing = client.get("/missing")
        with pytest.raises(bench_http.HttpStatusError, match="404"):
            missing.raise_for_status()
    assert len(_Handler.connections) == 2


def test_timed_calls_leave_out_the_warmup_send_the_headers_and_stop_at_an_error(server):
    seen = []
    original = _Handler.do_GET

    def recording(handler):
        seen.append((handler.path, handler.headers["Authorization"]))
        original(handler)

    _Handler.do_GET = recording
    try:
        latencies = timing.time_http([f"{server}/cases?n={i}" for i in range(5)], warmup=2,
                                     headers={"Authorization": "Bearer t"})
        with pytest.raises(bench_http.HttpStatusError, match="404"):
            timing.time_http([f"{server}/cases", f"{server}/missing"], warmup=0)
    finally:
        _Handler.do_GET = original
    assert len(latencies) == 3 and all(ms > 0 for ms in latencies)
    assert seen[:5] == [(f"/cases?n={i}", "Bearer t") for i in range(5)]
