"""The image of the Dockerfile, built and run as deploy/compose.yaml runs it: its database,
migration and queue jobs, then every Procfile process, each a container of the image with a
read-only root, its own user and no capabilities, on a broker vhost and databases of its own
(the host's network reaches this machine's RabbitMQ and PostgreSQL). Every process's health
command answers healthy and the gateway serves the pages.

Skipped, saying why, where no Docker engine answers or the base images cannot be had. The
base images can come from elsewhere (a mirror, a local copy) with build arguments:
``IMAGE_BUILD_ARGS="PYTHON_IMAGE=... NODE_IMAGE=..."``.
"""

from __future__ import annotations

import os
import pathlib
import re
import shlex
import shutil
import subprocess
import urllib.request
import uuid

import pytest
import yaml

from credit_common.supervision import read_procfile
from credit_common.testing import isolation
from credit_common.testing.platform import free_port, wait_until

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ("intake", "workflow", "notification", "disclosure")
BUILD_TIMEOUT_S = 2400

pytestmark = pytest.mark.slow


def docker(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def base_images(build_args: dict[str, str]) -> list[str]:
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)$", (ROOT / "Dockerfile").read_text(), re.M))
    return [build_args.get(name, image) for name, image in defaults.items()
            if name.endswith("_IMAGE")]


@pytest.fixture(scope="module")
def image():
    if shutil.which("docker") is None:
        pytest.skip("no docker command here")
    engine = docker("info", "--format", "{{.ServerVersion}}", timeout=30)
    if engine.returncode != 0:
        pytest.skip(f"no Docker engine answers: {last_line(engine.stderr)}")
    build_args = dict(arg.split("=", 1)
                      for arg in shlex.split(os.environ.get("IMAGE_BUILD_ARGS", "")))
    for base in base_images(build_args):
        if docker("image", "inspect", base).returncode != 0:
            pulled = docker("pull", base, timeout=600)
            if pulled.returncode != 0:
                pytest.skip(f"base image {base} cannot be had: {last_line(pulled.stderr)}")
    tag = f"credit-repair:test-{uuid.uuid4().hex[:8]}"
    built = docker("build", *(f"--build-arg={k}={v}" for k, v in build_args.items()),
                   "-t", tag, str(ROOT), timeout=BUILD_TIMEOUT_S)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    yield tag
    docker("image", "rm", "-f", tag)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def isolated():
    """A vhost (its users and queues) and databases of this module's own."""
    rid = isolation.run_id()
    isolation.create_vhost(rid)
    try:
        yield rid
    finally:
        isolation.delete_vhost(rid)
        isolation.drop_databases(rid)


class Containers:
    def __init__(self, image: str, environment: dict[str, str]):
        self.image, self.environment, self.started = image, environment, []

    def arguments(self, variables: dict[str, str]) -> list[str]:
        # as compose runs them: read-only root, /tmp in memory, no capabilities
        return ["--network", "host", "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges:true",
                *(f"--env={k}={v}" for k, v in {**self.environment, **variables}.items())]

    def job(self, command: list[str], **variables: str) -> None:
        command = [part.replace("$$", "$") for part in command]  # compose's escape of $
        done = docker("run", "--rm", *self.arguments(variables), self.image, *command,
                      timeout=600)
        assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-2000:]}"

    def start(self, name: str, command: list[str], volumes: list[str] = (),
              **variables: str) -> str:
        started = docker("run", "-d", "--name", f"{name}-{uuid.uuid4().hex[:8]}",
                         *(f"--volume={v}" for v in volumes), *self.arguments(variables),
                         self.image, *command)
        assert started.returncode == 0, started.stderr
        self.started.append(started.stdout.strip())
        return self.started[-1]

    def remove(self) -> None:
        for container in self.started:
            docker("rm", "-f", "-v", container)


def healthy(container: str, check: list[str]) -> bool:
    return docker("exec", container, *check, timeout=60).returncode == 0


def test_the_image_runs_every_process_of_the_procfile_healthy(image, compose, isolated):
    services = compose["services"]
    environment = {k: v for k, v in isolation.environment(isolated).items()
                   if k != "INTAKE_FILES_DIR"}  # the image's own, on a volume as in compose
    environment["DEV_MODE"] = "false"
    containers = Containers(image, environment)
    try:
        # the jobs of compose.yaml, with its commands (the broker users came with the vhost)
        containers.job(services["databases"]["command"], DATABASE_ADMIN_URL=isolation.admin_url())
        containers.job(services["migrate"]["command"])
        containers.job(services["queues"]["command"],
                       AMQP_ADMIN_URI=isolation.amqp_uri(isolated))
        gateway_port = free_port()
        checks = {}
        for kind in read_procfile():
            variables = {}
            if "METRICS_PORT" in services[kind]["environment"]:
                variables["METRICS_PORT"] = str(free_port())
            if kind == "gateway":
                variables.update(GATEWAY_PORT=str(gateway_port), GATEWAY_HOST="127.0.0.1",
                                 PUBLIC_BASE_URL=f"http://127.0.0.1:{gateway_port}")
            volumes = ["/var/lib/credit/intake-files"] if kind == "intake" else []
            container = containers.start(kind, services[kind]["command"], volumes, **variables)
            checks[kind] = (container, services[kind]["healthcheck"]["test"][1:])
        for kind, (container, check) in checks.items():
            try:
                wait_until(lambda c=container, t=check: healthy(c, t), timeout=180,
                           interval=2, message=f"{kind} healthy")
            except AssertionError as exc:
                logs = docker("logs", "--tail", "40", container)
                raise AssertionError(f"{kind} not healthy: {logs.stdout}{logs.stderr}") from exc
        user = docker("exec", checks["gateway"][0], "id", "-u")
        assert user.stdout.strip() == "10001"
        for path, marker in (("/", "<div id=\"app\""), ("/workbench/", "/workbench/assets/")):
            with urllib.request.urlopen(f"http://127.0.0.1:{gateway_port}{path}",
                                        timeout=10) as page:
                assert page.status == 200 and marker in page.read().decode(), path
    finally:
        containers.remove()
