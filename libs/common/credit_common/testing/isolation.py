"""Every test run gets its own vhost and its own databases, named after a run id, so two runs
on one machine never see each other's messages or rows.

``TEST_RUN_ID`` (set by ``make test``) lets several pytest processes of one run share them;
without it a fresh id is made. Nameko's ``rabbit_config`` fixture needs the management API,
which this machine does not have, so vhosts are made with ``rabbitmqctl``.
"""

from __future__ import annotations

import json
import os
import pathlib
import tempfile
import shutil
import subprocess
import uuid
from urllib.parse import quote

from sqlalchemy.engine import make_url

from credit_common import broker_users
from credit_common.db_admin import drop_database, prepare_database
from credit_common.settings import DEFAULT_AMQP_URI_TEMPLATE
from credit_common.topology import SERVICES

RABBIT_HOST = os.environ.get("TEST_RABBIT_HOST", "127.0.0.1:5672")
# a superuser: it makes the roles and the run's databases (the services never connect as it)
PG_BASE = os.environ.get("TEST_PG_BASE", "postgresql+psycopg2://postgres@127.0.0.1:5432")
#: the one retry ladder of a test run, short so a test sees the retries: every process and the
#: queues declared up front use it, since each delay is a quorum queue per subscription and the
#: broker's file descriptors go to its queues
RETRY_DELAYS_MS = [200, 500]


def run_id() -> str:
    return os.environ.get("TEST_RUN_ID") or uuid.uuid4().hex[:8]


def vhost_name(rid: str) -> str:
    return f"credit-test-{rid}"


def amqp_uri(rid: str) -> str:
    """The test harness's own login (guest): arranging and inspecting, never a process's."""
    return f"amqp://guest:guest@{RABBIT_HOST}/{quote(vhost_name(rid), safe='')}"


def admin_url() -> str:
    return f"{PG_BASE}/postgres"


def role_url_template(database: str, kind: str) -> str:
    """``database`` (with ``{service}``) as each service's ``owner`` or ``app`` role."""
    base = make_url(PG_BASE)
    return (f"{base.drivername}://credit_{{service}}_{kind}@{base.host}:{base.port or 5432}"
            f"/{database}")
def amqp_uri_template(rid: str) -> str:
    """What the platform's processes connect with: each as its own user (broker_users)."""
    return process_amqp_uri_template(vhost_name(rid))


def process_amqp_uri_template(vhost: str) -> str:
    return DEFAULT_AMQP_URI_TEMPLATE.replace("127.0.0.1:5672/", f"{RABBIT_HOST}/") + quote(
        vhost, safe="")


def create_broker_users(vhost: str) -> None:
    """Users are shared by every run (same names and passwords); permissions are per vhost."""
    template = process_amqp_uri_template(vhost)
    broker_users.apply(vhost, broker_users.development_accounts(
        lambda process: template.format(service=process)))


def database_url_template(rid: str) -> str:
    """The run's databases as the application role: what its services connect as."""
    return role_url_template(f"credit_t{rid}_{{service}}", "app")


def migration_database_url_template(rid: str) -> str:
    """The run's databases as their owner role: what migrations connect as."""
    return role_url_template(f"credit_t{rid}_{{service}}", "owner")


def as_role(service: str, database_url: str, kind: str) -> str:
    """``database_url``'s database as the service's ``owner`` or ``app`` role."""
    url = make_url(database_url).set(username=f"credit_{service}_{kind}", password=None)
    return url.render_as_string(hide_password=False)


#: about what one run holds at its peak (its quorum queues' files and its connections)
RUN_FILE_DESCRIPTORS = 400


def broker_file_descriptors() -> tuple[int, int] | None:
    """The broker's file descriptors in use and its limit; None when it does not say."""
    try:
        status = json.loads(_rabbitmqctl("status", "--formatter", "json"))
        descriptors = status["file_descriptors"]
        return int(descriptors["total_used"]), int(descriptors["total_limit"])
    except (subprocess.SubprocessError, OSError, ValueError, KeyError, TypeError):
        return None


def _rabbitmqctl(*args: str) -> str:
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    return subprocess.run([ctl, "-q", *args], check=True, capture_output=True, text=True,
                          timeout=60).stdout


OWNER_PREFIX = "test run of process "


def create_vhost(rid: str) -> str:
    # the owner's pid lets a later run remove what a killed run left behind
    _rabbitmqctl("add_vhost", vhost_name(rid), "--description", f"{OWNER_PREFIX}{os.getpid()}")
    _rabbitmqctl("set_permissions", "-p", vhost_name(rid), "guest", ".*", ".*", ".*")
    create_broker_users(vhost_name(rid))
    declare_platform_queues(vhost_name(rid))
    return amqp_uri(rid)


def declare_platform_queues(vhost: str) -> None:
    """Every platform queue, as ``make queues`` declares them before any process starts."""
    from credit_common import queues

    queues.migrate(f"amqp://guest:guest@{RABBIT_HOST}/{quote(vhost, safe='')}",
                   queues.platform_queues(RETRY_DELAYS_MS))


def delete_vhost(rid: str) -> None:
    try:
        _rabbitmqctl("delete_vhost", vhost_name(rid))
    except subprocess.CalledProcessError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned_runs() -> list[str]:
    """Run ids whose vhost names an owning process that no longer exists (a killed run: its
    ``finally`` never ran). Vhosts without an owner are left alone."""
    listing = _rabbitmqctl("list_vhosts", "name", "description", "--no-table-headers")
    prefix = vhost_name("")
    found = []
    for line in listing.splitlines():
        name, _, description = line.partition("\t")
        owner = description.strip().removeprefix(OWNER_PREFIX)
        if name.startswith(prefix) and description.startswith(OWNER_PREFIX) and owner.isdigit():
            if not _alive(int(owner)):
                found.append(name.removeprefix(prefix))
    return found


def remove_abandoned_runs() -> list[str]:
    """Delete the vhosts and databases of killed runs: their quorum queues hold the broker's
    file descriptors, which every run needs."""
    removed = abandoned_runs()
    for rid in removed:
        delete_vhost(rid)
        drop_databases(rid)
    return removed


def create_databases(rid: str, services=SERVICES) -> dict[str, str]:
    """The roles (shared by every run) and this run's databases; service -> the application
    role's URL."""
    from credit_common.settings import ServiceSettings

    settings = ServiceSettings()
    app, owner = database_url_template(rid), migration_database_url_template(rid)
    urls = {s: app.format(service=s) for s in services}
    for service in services:
        prepare_database(
            admin_url(), urls[service], owner.format(service=service),
            statement_timeout_ms=settings.db_statement_timeout_ms,
            idle_in_transaction_timeout_ms=settings.db_idle_in_transaction_timeout_ms)
    return urls


def drop_databases(rid: str, services=SERVICES) -> None:
    for service in services:
        drop_database(admin_url(), make_url(database_url_template(rid).format(
            service=service)).database)


def migrate(service: str, database_url: str, repo_root: str, revision: str = "head",
            command: str = "upgrade") -> None:
    """Run the service's own alembic migrations on ``database_url``'s database, as the
    service's owner role, granting its application role what it may do."""
    from alembic import command as alembic_command
    from alembic.config import Config

    config = Config(os.path.join(repo_root, "services", service, "alembic.ini"))
    config.attributes["database_url"] = as_role(service, database_url, "owner")
    config.attributes["app_role"] = f"credit_{service}_app"
    getattr(alembic_command, command)(config, revision)


def environment(rid: str) -> dict[str, str]:
    """The variables a process of this test run needs."""
    return {
        "TEST_RUN_ID": rid,
        "AMQP_URI_TEMPLATE": amqp_uri_template(rid),
        "DATABASE_URL_TEMPLATE": database_url_template(rid),
        "MIGRATION_DATABASE_URL_TEMPLATE": migration_database_url_template(rid),
        "APP_ENV": "development",
        "DEV_MODE": "true",
        "EVENT_RETRY_DELAYS_MS": json.dumps(RETRY_DELAYS_MS),
        # this run's rate-limit counters in Redis, apart from every other run's
        "RATE_LIMIT_PREFIX": f"credit-test-{rid}",
        # uploaded files of this run, apart from every other run's
        "INTAKE_FILES_DIR": str(pathlib.Path(tempfile.gettempdir()) / f"credit-test-{rid}"
                                / "intake-files"),
    }
