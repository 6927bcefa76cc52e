"""A TCP proxy a test can cut or stall: stands between a process and RabbitMQ (or PostgreSQL)
to simulate a server that cannot be reached, or that hangs, for a while, without disturbing
the shared server itself."""

from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, listen_port: int, target=("127.0.0.1", 5672)):
        self.listen_port = listen_port
        self.target = target
        self._server: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.listen_port))
        server.listen(16)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        server, self._server = self._server, None
        if server is not None:
            try:
                # close() alone leaves a thread blocked in accept() taking connections
                server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            server.close()
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()
        self._flowing.set()  # a paused pipe wakes, finds its sockets closed and ends

    def pause(self) -> None:
        """Keep every connection open and accept new ones, but forward nothing: a server
        that hangs (as a SIGSTOPped one does) rather than one that refuses."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass
