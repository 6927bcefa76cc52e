"""The platform as ``make run`` starts it: every process of deploy/Procfile, with the same
commands, run as real subprocesses for one test run (its own vhost and databases).

A process that exits without being stopped is started again with ``make run``'s policy
(``credit_common.supervision``): at once after it ran, with a growing wait after a failed
start, given up after repeated failed starts. Tests can stop, ``kill -9`` (``crash``: the
platform heals; ``kill9``: it stays down) and restart single processes, and read each
process's log.
"""

from __future__ import annotations

import os
import pathlib
import random
import re
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field

import httpx

from credit_common import supervision
from credit_common.supervision import read_procfile

ROOT = pathlib.Path(__file__).resolve().parents[4]  # the repository


def service_processes() -> tuple[str, ...]:
    """Every Procfile process but the gateway, in Procfile order: what must run behind it."""
    return tuple(name for name in read_procfile() if name != "gateway")


def _ephemeral_ports_start() -> int:
    try:
        return int(pathlib.Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A free port below the kernel's ephemeral range: a port the kernel handed out itself
    could be handed out again, to an outgoing connection, before our server binds it."""
    high = _ephemeral_ports_start()
    for _ in range(100):
        port = random.randrange(max(1024, high - 12000), high)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def wait_until(predicate, timeout: float, interval: float = 0.05, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def latest_login_code(http: httpx.Client, phone: str, timeout: float = 10) -> str:
    """The code in the newest text the development SMS sink holds for ``phone`` (the gateway
    in ``DEV_MODE``; ``http`` has the gateway as its base URL)."""
    def arrived():
        items = http.get("/api/v1/dev/sms", params={"phone": phone}).json()["items"]
        return items or None

    body = wait_until(arrived, timeout, interval=0.1, message=f"an SMS to {phone}")[0]["body"]
    return re.search(r"验证码为 (\d{6})", body).group(1)


@dataclass
class Restart:
    name: str
    exit_code: int
    ran_s: float
    failed_starts: int
    at: float  # time.monotonic() of the new start, or of giving up


@dataclass
class Platform:
    env: dict[str, str]
    log_dir: pathlib.Path
    gateway_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    commands: dict[str, str] = field(default_factory=read_procfile)
    ports: dict[str, int] = field(default_factory=dict)
    #: every restart and every give-up, in order
    restarts: list[Restart] = field(default_factory=list)
    #: processes given up after repeated failed starts
    given_up: set[str] = field(default_factory=set)
    _specs: dict[str, tuple[str, dict]] = field(default_factory=dict, repr=False)
    _started_at: dict[str, float] = field(default_factory=dict, repr=False)
    _failed_starts: dict[str, int] = field(default_factory=dict, repr=False)
    _due: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _watcher: threading.Thread | None = field(default=None, repr=False)
    _closing: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def log_path(self, name: str) -> pathlib.Path:
        return self.log_dir / f"{name}.log"

    def start(self, name: str, extra_env: dict[str, str] | None = None,
              instance: int = 1) -> subprocess.Popen:
        """Start a Procfile process; a further ``instance`` runs as ``<name>.<instance>``."""
        command = self.commands[name]
        if instance != 1:
            name = f"{name}.{instance}"
        with self._lock:
            self.ports[name] = free_port()
            self._specs[name] = (command, dict(extra_env or {}))
            self._failed_starts[name] = 0
            self._due.pop(name, None)
            self.given_up.discard(name)
            process = self._spawn(name)
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, name="platform-supervisor",
                                                 daemon=True)
                self._watcher.start()
        return process

    def _spawn(self, name: str) -> subprocess.Popen:
        command, extra_env = self._specs[name]
        env = {
            **os.environ, **self.env,
            "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
            "PORT": str(self.ports[name]),
            "GATEWAY_PORT": str(self.gateway_port),
            **extra_env,
        }
        log = open(self.log_path(name), "ab")
        process = subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.processes[name] = process
        self._started_at[name] = time.monotonic()
        return process

    # -- the restart policy of ``make run`` (credit_common.supervision) --------------------------
    def _watch(self) -> None:
        while not self._closing.wait(0.1):
            with self._lock:
                now = time.monotonic()
                for name, process in list(self.processes.items()):
                    if name in self._due:
                        if now >= self._due[name]:
                            del self._due[name]
                            self._spawn(name)
                        continue
                    code = process.poll()
                    if code is None:
                        continue
                    self._exited(name, code, now)

    def _exited(self, name: str, code: int, now: float) -> None:
        ran_s = now - self._started_at[name]
        failed = self._failed_starts[name] + 1 if ran_s < supervision.START_SECONDS else 0
        self._failed_starts[name] = failed
        if failed > supervision.START_RETRIES:
            self.given_up.add(name)
            del self.processes[name]
            self._note(Restart(name, code, ran_s, failed, now),
                       f"gave up: {name} failed to start {failed - 1} times in a row")
            return
        due = now + supervision.backoff_s(failed)
        self._due[name] = due
        self._note(Restart(name, code, ran_s, failed, due),
                   f"exited: {name} (exit {code} after {ran_s:.1f} s); "
                   f"starting again in {due - now:.0f} s")

    def _note(self, restart: Restart, line: str) -> None:
        self.restarts.append(restart)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        for path in (self.log_dir / "supervisor.log", self.log_path(restart.name)):
            with open(path, "a") as log:
                log.write(f"{stamp} {line}\n")

    def restart_count(self, name: str) -> int:
        with self._lock:
            return sum(1 for r in self.restarts if r.name == name)

    def crash(self, name: str) -> int:
        """``kill -9`` of the process itself, as an operator or the OOM killer would: the
        platform starts it again. Returns the pid killed."""
        with self._lock:
            process = self.processes[name]
            os.kill(process.pid, signal.SIGKILL)
            return process.pid

    def wait_restarted(self, name: str, after: int, timeout: float = 60) -> None:
        """Wait until ``name`` was restarted more than ``after`` times and has run since for
        ``START_SECONDS`` (a start that did not fail)."""
        def restarted():
            with self._lock:
                if name in self.given_up:
                    raise AssertionError(f"{name} was given up:\n{self.log(name)[-2000:]}")
                return (self.restart_count(name) > after and name not in self._due
                        and self.running(name)
                        and time.monotonic() - self._started_at[name]
                        >= supervision.START_SECONDS)

        wait_until(restarted, timeout, interval=0.1, message=f"{name} restarted")

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        with self._lock:
            # popped first: a process stopped on purpose is not restarted
            process = self.processes.pop(name, None)
            self._due.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def kill9(self, name: str) -> None:
        """``kill -9`` of the process group, and it stays down (``crash`` is the one the
        platform heals)."""
        self.stop(name, signal.SIGKILL)

    def stop_all(self) -> None:
        self._closing.set()
        for name in list(self.processes):
            self.stop(name)

    def running(self, name: str) -> bool:
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    def log(self, name: str) -> str:
        path = self.log_path(name)
        return path.read_text(errors="replace") if path.exists() else ""

    # -- readiness -----------------------------------------------------------------------
    def wait_healthy(self, timeout: float = 60) -> dict:
        def healthy():
            try:
                response = httpx.get(f"{self.url}/healthz", timeout=5)
            except httpx.HTTPError:
                return None
            return response.json() if response.status_code == 200 else None

        return wait_until(healthy, timeout, interval=0.2, message="every service healthy")

    def wait_consuming(self, service: str, timeout: float = 30) -> None:
        """A restarted service is ready once its RPC answers through the gateway."""
        def answers():
            try:
                body = httpx.get(f"{self.url}/healthz", timeout=5).json()
            except (httpx.HTTPError, ValueError):
                return False
            services = body.get("services") or body.get("details", {}).get("services") or {}
            return (services.get(service) or {}).get("ok")

        wait_until(answers, timeout, interval=0.2, message=f"{service} answering")
