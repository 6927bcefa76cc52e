"""The platform as ``make run`` starts it: every process of deploy/Procfile, with the same
commands, run as real subprocesses for one test run (its own vhost and databases).

Tests can stop, ``kill -9`` and restart single processes, and read each process's log.
"""

from __future__ import annotations

import os
import pathlib
import random
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[4]  # the repository
PROCFILE = ROOT / "deploy" / "Procfile"


def read_procfile(path: pathlib.Path = PROCFILE) -> dict[str, str]:
    entries = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


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
class Platform:
    env: dict[str, str]
    log_dir: pathlib.Path
    gateway_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    commands: dict[str, str] = field(default_factory=read_procfile)
    ports: dict[str, int] = field(default_factory=dict)

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
        self.ports[name] = free_port()
        env = {
            **os.environ, **self.env,
            "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
            "PORT": str(self.ports[name]),
            "GATEWAY_PORT": str(self.gateway_port),
            **(extra_env or {}),
        }
        log = open(self.log_path(name), "ab")
        process = subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def kill9(self, name: str) -> None:
        self.stop(name, signal.SIGKILL)

    def stop_all(self) -> None:
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
