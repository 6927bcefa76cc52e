"""``make run``'s supervisor and the test platform's restart policy, on small real processes:
a process killed with SIGKILL is started again and logged, a process that keeps failing to
start is given up after ``START_RETRIES`` and the others run on, a process stopped on purpose
stays stopped, and Ctrl-C (SIGINT) stops everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

from credit_common import supervision
from credit_common.testing.platform import Platform, wait_until

TOYS = {"sleeper": "echo started on $PORT; exec sleep 1000", "failer": "echo failing; exit 1"}
#: every failed start waits 1 s, 2 s, … before the next
GIVE_UP_S = sum(supervision.backoff_s(n) for n in range(1, supervision.START_RETRIES + 1))


def test_the_config_has_every_procfile_process_with_honchos_ports_and_the_policy():
    procfile = supervision.read_procfile()
    config = supervision.supervisord_config({"workflow": 2}, 9100, supervision.RUN_DIR)
    for line, name in enumerate(procfile):
        assert f"[program:{name}.1]" in config
        assert f'environment=PORT="{9100 + 100 * line}"' in config
    workflow_line = list(procfile).index("workflow")
    assert '[program:workflow.2]\n' in config
    assert f'PORT="{9100 + 100 * workflow_line + 1}"' in config
    assert config.count("autorestart=true") == len(procfile) + 1
    assert f"startretries={supervision.START_RETRIES}" in config
    assert "nodaemon=true" in config


def _pid_of(output: str, name: str) -> list[int]:
    return [int(line.rsplit("with pid ", 1)[1]) for line in output.splitlines()
            if f"spawned: '{name}' with pid" in line]


def test_supervisord_restarts_a_killed_process_gives_up_a_failing_one_and_stops_on_ctrl_c(
        tmp_path):
    (tmp_path / "s.conf").write_text(
        supervision.supervisord_config({"sleeper": 1}, 19100, tmp_path, TOYS))
    # a pipe, as a terminal would be: supervisord reopens /dev/stdout, which truncates a file
    daemon = subprocess.Popen([sys.executable, "-m", "supervisor.supervisord", "-n", "-c",
                               str(tmp_path / "s.conf")], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(daemon.stdout), daemon=True)
    reader.start()
    text = lambda: "".join(lines)  # noqa: E731
    try:
        wait_until(lambda: "entered RUNNING state" in text(), 20, message="sleeper running")
        assert "sleeper.1             | started on 19100" in text()
        first = _pid_of(text(), "sleeper.1")[-1]
        sleeper = int(subprocess.run(["pgrep", "-P", str(first)], capture_output=True,
                                     text=True).stdout.split()[0])
        os.kill(sleeper, signal.SIGKILL)
        wait_until(lambda: len(_pid_of(text(), "sleeper.1")) == 2, 20,
                   message="sleeper started again")
        assert "exited: sleeper.1 (exit status 137; not expected)" in text()
        wait_until(lambda: "gave up: failer.1 entered FATAL state" in text(), GIVE_UP_S + 30,
                   message="failer given up")
        assert len(_pid_of(text(), "failer.1")) == supervision.START_RETRIES + 1
        daemon.send_signal(signal.SIGINT)
        assert daemon.wait(30) == 0
        assert "stopped: sleeper.1" in text()
        assert subprocess.run(["pgrep", "-P", str(_pid_of(text(), "sleeper.1")[-1])]
                              ).returncode == 1, "a supervised process outlived supervisord"
    finally:
        if daemon.poll() is None:
            daemon.kill()


def test_the_platform_heals_a_crash_gives_up_a_failing_process_and_keeps_a_stop(tmp_path):
    platform = Platform(env={}, log_dir=tmp_path, commands={**TOYS, "other": TOYS["sleeper"]})
    try:
        platform.start("sleeper")
        platform.start("failer")
        platform.start("other")
        wait_until(lambda: "started" in platform.log("sleeper"), 10, message="sleeper")
        killed = platform.crash("sleeper")
        platform.wait_restarted("sleeper", after=0, timeout=20)
        assert platform.processes["sleeper"].pid != killed
        assert "exited: sleeper (exit -9" in platform.log("sleeper")

        platform.stop("other")
        wait_until(lambda: "failer" in platform.given_up, GIVE_UP_S + 20,
                   message="failer given up")
        assert platform.restart_count("failer") == supervision.START_RETRIES + 1
        assert platform.log("failer").count("failing") == supervision.START_RETRIES + 1
        assert "gave up: failer" in (tmp_path / "supervisor.log").read_text()
        assert platform.running("sleeper") and not platform.running("other")
        assert platform.restart_count("other") == 0
    finally:
        platform.stop_all()
