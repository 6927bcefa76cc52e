"""deploy/compose.yaml: a valid Compose file (the vendored compose-spec schema, and
`docker compose config` where one is installed) that runs every Procfile process with its
own command and a health check, only with variables the processes read, scalable (no fixed
name or host port), and with no secret in the repository."""

from __future__ import annotations

import hashlib
import importlib
import json
import pathlib
import re
import shlex
import shutil
import subprocess

import jsonschema_rs
import pytest
import yaml

from credit_common.settings import unsafe_secret
from credit_common.supervision import read_procfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / "env.example"
SCHEMA = DEPLOY / "schemas" / "compose-spec.json"
SCHEMA_SHA256 = "89f4bdc4ba651ff024118917a7cdb67d9d78c1af4bab9b12ec2fc85f5b7d90d3"

SETTINGS = [
    "intake.config:IntakeSettings",
    "workflow.config:WorkflowSettings",
    "notification.config:NotificationSettings",
    "disclosure.config:DisclosureSettings",
    "gateway.core.config:GatewaySettings",
]
#: variables the one-shot tools read besides the settings classes, and the module reading each
TOOL_VARIABLES = {
    "DATABASE_ADMIN_URL": "libs/common/credit_common/db_admin.py",
    "AMQP_ADMIN_URI": "libs/common/credit_common/queues.py",
}
#: the only service that publishes a host port (nginx in front of the gateways)
PUBLISHED = {"edge"}
#: Compose interpolation: $$ is a literal dollar; ${NAME}, ${NAME:-default}, ${NAME:?error}
INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASS$|_KEY$")


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def interpolate(text: str, values: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.groups()
        value = values.get(name)
        if operator in (":-", "-") and not value:
            return argument
        if operator in (":?", "?") and not value:
            raise KeyError(f"{name}: {argument}")
        return value or ""

    return INTERPOLATION.sub(one, text)


def referenced_variables(text: str) -> set[str]:
    return {m.group(1) for m in INTERPOLATION.finditer(text) if m.group(1)}


@pytest.fixture(scope="module")
def compose() -> dict:
    """The file as Compose reads it: YAML anchors and merges resolved, env.example's values
    put in for the variables."""
    return yaml.safe_load(interpolate(COMPOSE.read_text(), env_example()))


@pytest.fixture(scope="module")
def raw() -> dict:
    """The file as written: the ${...} references left in place."""
    return yaml.safe_load(COMPOSE.read_text())


def project_services(compose: dict) -> dict[str, dict]:
    """The services that run the project's image (the platform and its jobs)."""
    image = compose["x-app"]["image"]
    return {name: s for name, s in compose["services"].items() if s.get("image") == image}


def procfile_command(line: str) -> tuple[list[str], list[str]]:
    """(the command, the variables it sets from $PORT) of one Procfile line."""
    words = shlex.split(line)
    from_port = []
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        name, _, value = words.pop(0).partition("=")
        assert value == "$PORT", f"{line}: only $PORT is passed on, not {value}"
        from_port.append(name)
    if words[:1] == ["exec"]:
        words.pop(0)
    return words, from_port


def settings_variables() -> set[str]:
    names = set()
    for path in SETTINGS:
        module, _, attribute = path.partition(":")
        settings_cls = getattr(importlib.import_module(module), attribute)
        for field_name, field in settings_cls.model_fields.items():
            alias = field.validation_alias if isinstance(field.validation_alias, str) else None
            names.add(alias or field_name.upper())
    return names


# -- the file itself ------------------------------------------------------------------------

def test_the_vendored_schema_is_the_recorded_release():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert SCHEMA_SHA256 in (SCHEMA.parent / "README.md").read_text()


def test_the_compose_spec_schema_accepts_the_file(compose):
    validator = jsonschema_rs.Draft7Validator(json.loads(SCHEMA.read_text()))
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}"
              for e in validator.iter_errors(compose)]
    assert not errors, errors


def test_the_schema_check_sees_a_broken_file(compose):
    validator = jsonschema_rs.Draft7Validator(json.loads(SCHEMA.read_text()))
    broken = json.loads(json.dumps(compose))
    broken["services"]["workflow"]["depends_on"]["migrate"]["condition"] = "service_done"
    broken["services"]["gateway"]["restart"] = ["always"]
    assert len(list(validator.iter_errors(broken))) >= 2


def compose_cli() -> list[str] | None:
    """A Compose v2 command line here, or None."""
    for command in (["docker", "compose"], ["docker-compose"]):
        if not shutil.which(command[0]):
            continue
        try:
            answer = subprocess.run([*command, "version", "--short"], capture_output=True,
                                    text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if answer.returncode == 0 and answer.stdout.strip().lstrip("v").startswith("2."):
            return command
    return None


def test_docker_compose_config_accepts_the_file():
    command = compose_cli()
    if command is None:
        pytest.skip("no Docker Compose v2 here (docker compose / docker-compose): the file "
                    "is checked against the vendored compose-spec schema only")
    answer = subprocess.run([*command, "-f", str(COMPOSE), "--env-file", str(ENV_EXAMPLE),
                             "config", "--quiet"], capture_output=True, text=True, timeout=60)
    assert answer.returncode == 0, answer.stderr
    normalized = subprocess.run([*command, "-f", str(COMPOSE), "--env-file", str(ENV_EXAMPLE),
                             "config", "--format", "json"], capture_output=True, text=True,
                            timeout=60)
    assert normalized.returncode == 0, normalized.stderr
    assert set(json.loads(normalized.stdout)["services"]) == set(yaml.safe_load(
        interpolate(COMPOSE.read_text(), env_example()))["services"])


# -- the processes --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(read_procfile()))
def test_every_procfile_process_runs_with_its_command_and_port(compose, kind):
    service = compose["services"].get(kind)
    assert service is not None, f"deploy/Procfile's {kind} is not a compose service"
    command, from_port = procfile_command(read_procfile()[kind])
    assert service["command"] == command
    assert service["image"] == compose["x-app"]["image"]
    for variable in from_port:
        assert int(service["environment"][variable]) > 0, f"{kind} needs {variable}"


@pytest.mark.parametrize("kind", list(read_procfile()))
def test_every_procfile_process_has_a_health_check_of_its_own_kind(compose, kind):
    service = compose["services"][kind]
    check = service.get("healthcheck") or {}
    assert not check.get("disable") and check.get("test"), f"{kind} has no health check"
    test = check["test"]
    assert test[:4] == ["CMD", "python", "-m", "credit_common.healthcheck"]
    environment = service["environment"]
    serves_a_port = any(int(environment.get(v, 0) or 0) for v in ("METRICS_PORT",
                                                                   "GATEWAY_PORT"))
    if serves_a_port:
        assert test[4:] == [], f"{kind} serves /healthz: the check must probe it"
        # the check runs inside the container: loopback, or every interface (asked on loopback)
        for variable in ("METRICS_HOST", "GATEWAY_HOST"):
            assert environment.get(variable, "127.0.0.1") in ("127.0.0.1", "0.0.0.0"), kind
    else:
        family = service["command"][2]  # python -m <service> <command>
        assert test[4:] == ["--service", family], f"{kind} serves no port"
    # a liveness file only where a check reads it
    assert ("LIVENESS_FILE" in environment) == ("--alive" in test), kind


def test_every_process_waits_for_migrated_databases_broker_users_and_queues(compose):
    for kind in read_procfile():
        depends = compose["services"][kind]["depends_on"]
        for job in ("migrate", "broker-users", "queues"):
            assert depends[job]["condition"] == "service_completed_successfully", (kind, job)
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["rabbitmq"]["condition"] == "service_healthy"
    assert compose["services"]["migrate"]["depends_on"]["databases"]["condition"] == \
        "service_completed_successfully"
    gateway = compose["services"]["gateway"]["depends_on"]
    for service in ("intake", "workflow", "notification", "disclosure", "redis"):
        assert gateway[service]["condition"] == "service_healthy", service


def test_the_jobs_are_the_projects_own_commands(compose):
    services = compose["services"]
    assert services["databases"]["command"] == ["python", "-m", "credit_common.db_admin",
                                                "create"]
    assert services["queues"]["command"] == ["python", "-m", "credit_common.queues", "migrate"]
    assert services["broker-users"]["command"][:4] == ["python", "-m",
                                                       "credit_common.broker_users", "apply"]
    migrate = services["migrate"]["command"][-1]
    for service in ("intake", "workflow", "notification", "disclosure"):
        assert service in migrate
    assert "alembic -c services/$s/alembic.ini upgrade head" in migrate
    assert "alembic -c services/$$s/alembic.ini upgrade head" in \
        (ROOT / "Makefile").read_text()
    for job in ("databases", "migrate", "broker-users", "queues"):
        assert services[job]["restart"] == "no", job


def test_migrations_run_as_the_owner_roles_and_services_as_the_application_roles(compose):
    migrate = compose["services"]["migrate"]["environment"]
    for service in ("intake", "workflow", "notification", "disclosure"):
        upper = service.upper()
        assert f"credit_{service}_owner:" in migrate[f"{upper}_MIGRATION_DATABASE_URL"]
        url = compose["services"][service]["environment"][f"{upper}_DATABASE_URL"]
        assert f"credit_{service}_app:" in url
        assert f"{upper}_MIGRATION_DATABASE_URL" not in compose["services"][service]["environment"]


def test_every_variable_given_to_a_process_is_one_it_reads(compose):
    for variable, module in TOOL_VARIABLES.items():
        assert variable in (ROOT / module).read_text(), (variable, module)
    known = settings_variables() | set(TOOL_VARIABLES)
    unknown = {f"{name}: {variable}"
               for name, service in project_services(compose).items()
               for variable in service.get("environment", {})
               if variable not in known}
    assert not unknown, f"variables no process reads: {sorted(unknown)}"


def test_production_is_what_every_process_runs_as(compose):
    for name, service in project_services(compose).items():
        environment = service.get("environment", {})
        if "APP_ENV" in environment or name in read_procfile():
            assert environment.get("APP_ENV") == "production", name
        assert environment.get("DEV_MODE", "false") == "false", name


# -- scaling --------------------------------------------------------------------------------

def test_no_service_but_edge_has_a_fixed_name_or_host_port(compose):
    for name, service in compose["services"].items():
        assert "container_name" not in service, name
        if name not in PUBLISHED:
            assert "ports" not in service, f"{name} publishes a host port: it cannot scale"


def test_the_platform_runs_read_only_without_privileges(compose):
    for name, service in project_services(compose).items():
        assert service["read_only"] is True, name
        assert service["cap_drop"] == ["ALL"], name
        assert "/tmp" in service["tmpfs"], name
    assert compose["services"]["intake"]["volumes"] == [
        "intake-files:/var/lib/credit/intake-files"]


# -- secrets --------------------------------------------------------------------------------

def test_env_example_lists_exactly_the_variables_compose_reads():
    used = referenced_variables(COMPOSE.read_text())
    listed = set(env_example())
    assert used - listed == set(), f"not in deploy/env.example: {sorted(used - listed)}"
    assert listed - used == set(), f"not read by compose.yaml: {sorted(listed - used)}"


def test_every_secret_in_env_example_is_a_placeholder_production_refuses():
    secrets = {name: value for name, value in env_example().items()
               if SECRET_NAME.search(name)}
    assert len(secrets) >= 17
    for name, value in secrets.items():
        assert unsafe_secret(value) == "仍是示例值", f"{name} looks like a real secret"


def test_the_compose_file_holds_no_secret_only_references_to_the_env_file(raw):
    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, (*path, str(key)))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, (*path, str(index)))
        elif isinstance(value, str):
            yield path, value

    leaks = []
    for path, value in walk(raw, ()):
        # a password inside a URL, or the value of a variable named like a secret
        for password in re.findall(r"://[^:/@\s]*:(\$\{[^}]*\}|[^@\s]+)@", value):
            if not INTERPOLATION.fullmatch(password):
                leaks.append(("/".join(path), password))
        if SECRET_NAME.search(path[-1]) and not INTERPOLATION.fullmatch(value):
            leaks.append(("/".join(path), value))
    assert not leaks, leaks


def test_the_env_file_is_ignored_by_git():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    answer = subprocess.run(["git", "check-ignore", "-q", "deploy/.env"], cwd=ROOT,
                            timeout=30)
    assert answer.returncode == 0, "deploy/.env would be committed"
