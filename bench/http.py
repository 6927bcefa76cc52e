"""The bench's HTTP client for timed requests: one keep-alive HTTP/1.1 connection, a blocking
socket and httptools' parser.

Why not httpx: on this machine a ``httpx.Client`` spent 0.8–1.3 ms of CPU of its own per
request (measured against the hello-world anchor, whose server answers in well under that),
so on a 2-core machine it was a large part of every HTTP figure and measured itself more than
the gateway. This client spends about 0.05–0.1 ms. httpx still makes the untimed calls
(logins, set-up), and the report keeps one row of (c) read with httpx for comparison.
"""

from __future__ import annotations

import json as jsonlib
import socket
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import httptools


class HttpStatusError(RuntimeError):
    pass


@dataclass
class Response:
    status_code: int
    content: bytes
    url: str

    def json(self):
        return jsonlib.loads(self.content)

    def raise_for_status(self) -> Response:
        if self.status_code >= 400:
            raise HttpStatusError(f"{self.status_code} from {self.url}: {self.content[:300]!r}")
        return self


class Answer:
    """httptools' callbacks for one response (the load generator's connections use it too)."""

    def __init__(self):
        self.body = bytearray()
        self.complete = False
        self.closes = False

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"connection" and value.lower() == b"close":
            self.closes = True

    def on_body(self, chunk: bytes) -> None:
        self.body += chunk

    def on_message_complete(self) -> None:
        self.complete = True


class Client:
    """``Client("http://host:port", headers={...})``; ``get``/``post`` take a path (or a full
    URL on the same host) and answer a ``Response``. Not thread-safe: one per timing loop."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None,
                 timeout: float = 10):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.headers = dict(headers or {})
        self._sock: socket.socket | None = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def get(self, path: str, params: dict | None = None) -> Response:
        return self.request("GET", path, params=params)

    def post(self, path: str, json=None) -> Response:
        return self.request("POST", path, json=json)

    def request(self, method: str, path: str, *, params: dict | None = None,
                json=None) -> Response:
        if path.startswith("http"):
            parts = urlsplit(path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        if params:
            path += ("&" if "?" in path else "?") + urlencode(params)
        body = b"" if json is None else jsonlib.dumps(json, ensure_ascii=False).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        head += [f"{name}: {value}" for name, value in self.headers.items()]
        if json is not None:
            head.append("Content-Type: application/json")
        if body or method != "GET":
            head.append(f"Content-Length: {len(body)}")
        message = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        what = f"{method} {path}"
        kept_alive = self._sock is not None
        try:
            return self._exchange(message, what)
        except ConnectionError:
            if not kept_alive:
                raise
            # the server closed the kept-alive connection meanwhile: once more, afresh
            return self._exchange(message, what)

    def _exchange(self, message: bytes, what: str) -> Response:
        if self._sock is None:
            self._sock = socket.create_connection((self.host, self.port), self.timeout)
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            return self._send_and_read(message, what)
        except ConnectionError:
            self.close()
            raise

    def _send_and_read(self, message: bytes, what: str) -> Response:
        self._sock.sendall(message)
        answer = Answer()
        parser = httptools.HttpResponseParser(answer)
        while not answer.complete:
            data = self._sock.recv(65536)
            if not data:
                raise ConnectionError(f"the server closed the connection during {what}")
            parser.feed_data(data)
        if answer.closes:
            self.close()
        return Response(parser.get_status_code(), bytes(answer.body), what)
