"""The Dockerfile: base images pinned by version and digest, the pages built as `make pages`
builds them, a final stage without compilers that runs as a user of its own, read-only-root
friendly, with a health check for every process kind."""

from __future__ import annotations

import pathlib
import re
import shlex

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
#: a version tag (no "latest", no bare major) and the digest of what it named then
PINNED = re.compile(r"^[a-z0-9./-]+:\d+\.\d+[\w.-]*@sha256:[0-9a-f]{64}$")
COMPILERS = re.compile(r"\b(gcc|g\+\+|clang|build-essential|make|cc|[\w.+-]+-dev|nodejs|npm)\b")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    joined, current = [], ""
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        if current.strip():
            keyword, _, arguments = current.strip().partition(" ")
            joined.append((keyword.upper(), arguments.strip()))
        current = ""
    return joined


@pytest.fixture(scope="module")
def parsed() -> list[tuple[str, str]]:
    return instructions(DOCKERFILE.read_text())


def stages(parsed) -> list[list[tuple[str, str]]]:
    found = []
    for keyword, arguments in parsed:
        if keyword == "FROM":
            found.append([])
        if found:
            found[-1].append((keyword, arguments))
    return found


def global_arguments(parsed) -> dict[str, str]:
    values = {}
    for keyword, arguments in parsed:
        if keyword == "FROM":
            break
        if keyword == "ARG":
            name, _, default = arguments.partition("=")
            values[name] = default
    return values


def test_every_base_image_is_pinned_by_version_and_digest(parsed):
    arguments = global_arguments(parsed)
    names = set()
    for stage in stages(parsed):
        words = stage[0][1].split()
        image = re.sub(r"\$\{(\w+)\}", lambda m: arguments[m.group(1)], words[0])
        if image not in names:
            assert PINNED.match(image), f"FROM {words[0]} is {image}: pin a version and digest"
        if len(words) == 3 and words[1].upper() == "AS":
            names.add(words[2])
    assert len(stages(parsed)) == 3


def test_the_pages_are_built_as_make_pages_builds_them(parsed):
    runs = [arguments for keyword, arguments in stages(parsed)[0] if keyword == "RUN"]
    assert any(run.startswith("npm ci") for run in runs)
    assert "npm run build" in runs
    assert "npm run --silent build" in (ROOT / "scripts" / "build-pages.sh").read_text()


def test_the_python_packages_come_from_the_lock_and_the_projects_own_packages(parsed):
    runs = " ".join(arguments for keyword, arguments in stages(parsed)[1] if keyword == "RUN")
    assert "pip install -r /src/requirements.lock" in runs
    for package in ("libs/common", "services/intake", "services/workflow",
                    "services/notification", "services/disclosure", "gateway"):
        assert f"/src/{package}" in runs, package


def test_the_final_stage_has_no_compiler_and_runs_as_a_user_of_its_own(parsed):
    final = stages(parsed)[-1]
    installs = [arguments for keyword, arguments in final
                if keyword == "RUN" and "apt-get install" in arguments]
    for install in installs:
        packages = install.split("apt-get install", 1)[1].split("&&")[0]
        assert not COMPILERS.search(packages), packages
    users = [arguments for keyword, arguments in final if keyword == "USER"]
    assert users, "the final stage runs as root"
    assert users[-1].split(":")[0] not in ("root", "0")
    # nothing from the build stages but the environment, migrations and pages
    copied = [arguments for keyword, arguments in final if keyword == "COPY"]
    assert all(c.startswith("--from=") for c in copied), copied


def test_the_pages_are_where_the_gateway_serves_them_from(parsed):
    final = stages(parsed)[-1]
    environment = " ".join(arguments for keyword, arguments in final if keyword == "ENV")
    web_root = re.search(r"WEB_ROOT=(\S+)", environment).group(1)
    copied = [arguments.split() for keyword, arguments in final if keyword == "COPY"]
    for app in ("applicant", "officer"):
        assert ["--from=pages", f"/src/web/{app}/dist", f"{web_root}/{app}/dist"] in copied
    assert "GATEWAY_HOST=0.0.0.0" in environment
    assert "PYTHONDONTWRITEBYTECODE=1" in environment


def test_the_health_check_and_the_entrypoint(parsed):
    final = stages(parsed)[-1]
    [health] = [arguments for keyword, arguments in final if keyword == "HEALTHCHECK"]
    # the port probe; a portless process's container names --service or --alive itself
    assert health.split(" CMD ")[-1] == '["python", "-m", "credit_common.healthcheck"]'
    [entrypoint] = [arguments for keyword, arguments in final if keyword == "ENTRYPOINT"]
    assert "tini" in entrypoint
    [command] = [arguments for keyword, arguments in final if keyword == "CMD"]
    assert shlex.split(command.strip("[]").replace(",", " ")) == ["python", "-m", "gateway"]


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    for entry in (".git", ".venv", "var", "web/node_modules", "web/*/dist", ".env",
                  "deploy/.env", "**/__pycache__"):
        assert entry in ignored, entry
