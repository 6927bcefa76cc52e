"""The exec probes of the processes without an HTTP port, and the liveness file they read."""

from __future__ import annotations

import os
import re
import socket
import time

import pytest

from credit_common import probe
from credit_common.liveness import Heartbeat

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def age(path) -> float:
    return time.time() - os.stat(path).st_mtime


def test_a_heartbeat_touches_its_file_at_most_once_per_interval(tmp_path):
    path = tmp_path / "alive"
    heartbeat = Heartbeat(str(path), every_s=60)
    heartbeat.beat()
    assert path.exists()
    os.utime(path, (time.time() - 500, time.time() - 500))
    heartbeat.beat()  # within the interval: not written again
    assert age(path) > 400
    Heartbeat(str(path), every_s=0).beat()
    assert age(path) < 5


def test_a_heartbeat_without_a_file_writes_nothing_and_one_it_cannot_write_does_not_raise(
        tmp_path):
    Heartbeat(None).beat()
    Heartbeat("").beat()
    Heartbeat(str(tmp_path / "missing-folder" / "alive")).beat()
    assert list(tmp_path.iterdir()) == []


def test_alive_passes_on_a_fresh_file_and_names_a_stale_missing_or_unset_one(tmp_path,
                                                                           monkeypatch):
    path = tmp_path / "alive"
    assert probe.alive(str(path), 120)[0].startswith("存活文件")
    Heartbeat(str(path)).beat()
    assert probe.alive(str(path), 120) == []
    os.utime(path, (time.time() - 300, time.time() - 300))
    [stale] = probe.alive(str(path), 120)
    assert "未更新" in stale and "120" in stale
    assert CHINESE.search(probe.alive(None, 120)[0])
    monkeypatch.setenv("LIVENESS_FILE", str(path))
    assert probe.main(["alive", "--max-age", "120"]) == 1
    assert probe.main(["alive", "--max-age", "600"]) == 0


def test_ready_names_the_database_and_the_broker_it_cannot_reach(monkeypatch, capsys):
    port = closed_port()
    monkeypatch.setenv("WORKFLOW_DATABASE_URL",
                       f"postgresql+psycopg2://credit_workflow_app:x@127.0.0.1:{port}/w")
    monkeypatch.setenv("WORKFLOW_AMQP_URI", f"amqp://credit-workflow:x@127.0.0.1:{port}/")
    started = time.monotonic()
    assert probe.main(["ready", "workflow", "--timeout", "2"]) == 1
    assert time.monotonic() - started < 10
    lines = capsys.readouterr().err.splitlines()
    assert [line.split("：")[0] for line in lines] == ["workflow 无法连接数据库",
                                                      "workflow 无法连接消息服务器"]
    assert probe.main(["ready", "workflow", "--no-broker"]) == 1
    assert capsys.readouterr().err.splitlines()[0].startswith("workflow 无法连接数据库")


def test_ready_refuses_an_unknown_service():
    with pytest.raises(SystemExit):
        probe.main(["ready", "gateway"])
