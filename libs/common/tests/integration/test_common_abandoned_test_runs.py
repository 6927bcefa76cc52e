"""A killed test run leaves its vhost (with its quorum queues, which hold broker file
descriptors) and its databases behind; the next run removes them, and only them: a run whose
process is alive keeps everything."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from sqlalchemy import create_engine, text

from credit_common.testing import isolation


def _vhosts() -> set[str]:
    return set(isolation._rabbitmqctl("list_vhosts", "name", "--no-table-headers").split())


def _databases(rid: str) -> set[str]:
    engine = create_engine(isolation.admin_url())
    try:
        with engine.connect() as connection:
            return set(connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": f"credit_t{rid}_%"}).scalars())
    finally:
        engine.dispose()


def _make_run_owned_by(pid: int) -> str:
    rid = "x" + uuid.uuid4().hex[:7]
    isolation._rabbitmqctl("add_vhost", isolation.vhost_name(rid), "--description",
                           f"{isolation.OWNER_PREFIX}{pid}")
    isolation.create_databases(rid)
    return rid


def test_the_vhost_and_databases_of_a_killed_run_are_removed_and_a_live_runs_kept():
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead_pid = int(finished.stdout)
    killed = _make_run_owned_by(dead_pid)
    live = _make_run_owned_by(os.getpid())
    try:
        assert isolation.vhost_name(killed) in _vhosts() and _databases(killed)

        removed = isolation.remove_abandoned_runs()

        assert killed in removed and live not in removed
        assert isolation.vhost_name(killed) not in _vhosts()
        assert _databases(killed) == set()
        assert isolation.vhost_name(live) in _vhosts()
        assert len(_databases(live)) == 4
    finally:
        for rid in (killed, live):
            isolation.delete_vhost(rid)
            isolation.drop_databases(rid)
