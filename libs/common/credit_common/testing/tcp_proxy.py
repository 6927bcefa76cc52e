"""A TCP proxy a test can cut or stall: stands between a process and RabbitMQ (or PostgreSQL)
to simulate a server that cannot be reached, or that hangs, for a while, without disturbing
the shared server itself.

A socket is only shut down under a thread that may be waiting on it, and closed by the last
thread that uses it once that one has woken: under eventlet (the service suites) a socket
closed under a waiting greenthread leaves the hub listening on its file descriptor, and the
next connection the OS gives that number without eventlet seeing it (psycopg2's) fails with
"Second simultaneous read on fileno N"."""

from __future__ import annotations

import socket
import threading

#: how long ``stop`` waits for the proxy's threads, which end as soon as their sockets are shut
STOP_TIMEOUT_S = 10


def _shut(sock: socket.socket) -> None:
    """Wake whoever waits on ``sock`` (a read or accept answers, a write fails)."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # not connected, or shut already


class TcpProxy:
    def __init__(self, listen_port: int, target=("127.0.0.1", 5672)):
        self.listen_port = listen_port
        self.target = target
        self._server: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.listen_port))
        server.listen(16)
        self._server = server
        self._spawn(self._accept, server)

    def stop(self) -> None:
        """Refuse new connections and cut the open ones; returns once every socket of the
        proxy is closed (the port can be listened on again)."""
        server, self._server = self._server, None
        if server is not None:
            _shut(server)  # close() alone leaves a thread blocked in accept() taking connections
        with self._lock:
            for sock in self._sockets:
                _shut(sock)
            threads = list(self._threads)
        self._flowing.set()  # a paused pipe wakes, finds its sockets shut and ends
        for thread in threads:
            thread.join(STOP_TIMEOUT_S)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]

    def pause(self) -> None:
        """Keep every connection open and accept new ones, but forward nothing: a server
        that hangs (as a SIGSTOPped one does) rather than one that refuses."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _accept(self, server: socket.socket) -> None:
        try:
            while True:
                try:
                    client, _ = server.accept()
                except OSError:
                    return
                if self._server is not server:  # stopped while this one was accepted
                    client.close()
                    return
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                    upstream.settimeout(None)
                except OSError:
                    client.close()
                    continue
                ended: list[socket.socket] = []
                with self._lock:
                    self._sockets += [client, upstream]
                for a, b in ((client, upstream), (upstream, client)):
                    self._spawn(self._pipe, a, b, ended)
        finally:
            server.close()

    def _pipe(self, source: socket.socket, sink: socket.socket,
              ended: list[socket.socket]) -> None:
        """Forward ``source`` to ``sink`` until either end goes; then shut both, which ends
        the other direction too, and the second of the two to end closes them."""
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _shut(source)
            _shut(sink)
            with self._lock:
                ended.append(source)
                last = len(ended) == 2
                if last:
                    self._sockets = [s for s in self._sockets if s not in (source, sink)]
            if last:
                source.close()
                sink.close()
