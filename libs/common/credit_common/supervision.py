"""Keeping the platform's processes alive: one restart policy for ``make run`` (supervisord,
configured here from deploy/Procfile) and for the test platform (``testing.platform``).

The policy is supervisord's: a process that exits after it has run ``START_SECONDS`` is
started again at once; one that exits sooner has failed to start and is tried again after
1 s, 2 s, 3 s …; after ``START_RETRIES`` such failures in a row it is given up (FATAL) and
the rest of the platform goes on.

    python -m credit_common.supervision run --base-port 9100 --count workflow=2,...
        writes var/run/supervisord.conf and runs supervisord in the foreground
    python -m credit_common.supervision tag NAME -- COMMAND...
        runs COMMAND with every line it prints prefixed by NAME (what supervisord starts)
"""

from __future__ import annotations

import argparse
import ctypes
import getpass
import os
import pathlib
import shlex
import signal
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]  # the repository
PROCFILE = ROOT / "deploy" / "Procfile"
RUN_DIR = ROOT / "var" / "run"

#: a process that exits sooner than this after its start failed to start
START_SECONDS = 3
#: failed starts in a row before a process is given up
START_RETRIES = 5
#: how long a stopping process may take before it is killed
STOP_WAIT_S = 10


def backoff_s(failed_starts: int) -> float:
    """The wait before the next start: none after a process that ran, then supervisord's
    1 s, 2 s, 3 s … after each failed start."""
    return float(failed_starts)


def read_procfile(path: pathlib.Path = PROCFILE) -> dict[str, str]:
    entries = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


def programs(counts: dict[str, int], base_port: int,
             procfile: dict[str, str] | None = None) -> list[tuple[str, str, int]]:
    """(program name, command, PORT) of every instance, with honcho's ports: base port + 100
    per Procfile line + instance (0 for the first)."""
    procfile = read_procfile() if procfile is None else procfile
    unknown = set(counts) - set(procfile)
    if unknown:
        raise SystemExit(f"not in deploy/Procfile: {', '.join(sorted(unknown))}")
    found = []
    for line, (name, command) in enumerate(procfile.items()):
        for instance in range(counts.get(name, 1)):
            found.append((f"{name}.{instance + 1}", command, base_port + 100 * line + instance))
    return found


def supervisord_config(counts: dict[str, int], base_port: int, run_dir: pathlib.Path,
                       procfile: dict[str, str] | None = None) -> str:
    python = sys.executable
    lines = [
        "[supervisord]",
        "nodaemon=true",
        # its own lines (spawned, exited, gave up) go to this file and, in the foreground,
        # to the terminal
        f"logfile={run_dir / 'supervisord.log'}",
        "loglevel=info",
        *([f"user={getpass.getuser()}"] if os.geteuid() == 0 else []),  # says it runs as root
        f"pidfile={run_dir / 'supervisord.pid'}",
        f"directory={ROOT}",
        f"childlogdir={run_dir}",
        "",
        "[unix_http_server]",
        f"file={run_dir / 'supervisor.sock'}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{run_dir / 'supervisor.sock'}",
    ]
    for name, command, port in programs(counts, base_port, procfile):
        tagged = [python, "-m", "credit_common.supervision", "tag", name, "--",
                  "bash", "-c", command]
        lines += [
            "",
            f"[program:{name}]",
            "command=" + " ".join(shlex.quote(part) for part in tagged).replace("%", "%%"),
            f"directory={ROOT}",
            f'environment=PORT="{port}"',
            "autostart=true",
            "autorestart=true",
            f"startsecs={START_SECONDS}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={STOP_WAIT_S}",
            # the tag process forwards the stop; a kill after the wait reaches the command too
            "killasgroup=true",
            "redirect_stderr=true",
            "stdout_logfile=/dev/stdout",
            "stdout_logfile_maxbytes=0",
        ]
    return "\n".join(lines) + "\n"


def _parse_counts(text: str) -> dict[str, int]:
    counts = {}
    for item in filter(None, text.split(",")):
        name, _, count = item.partition("=")
        counts[name.strip()] = int(count)
    return counts


def run(counts: dict[str, int], base_port: int, run_dir: pathlib.Path = RUN_DIR) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "supervisord.conf"
    config.write_text(supervisord_config(counts, base_port, run_dir))
    listed = programs(counts, base_port)
    print("  processes (restarted when they exit; `.venv/bin/supervisorctl -c "
          f"{config.relative_to(ROOT)} status` lists them):")
    print("    " + "  ".join(f"{name} :{port}" for name, _, port in listed))
    sys.stdout.flush()
    os.execvp(sys.executable, [sys.executable, "-m", "supervisor.supervisord", "-n",
                               "-c", str(config)])


# -- the tag process ------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # if the tag process is killed, its command must not run on unsupervised
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


def tag(name: str, command: list[str]) -> int:
    """Run ``command``, print its output line by line as ``name | line``, pass on TERM and
    INT, and exit as it exited (128 + signal if a signal ended it)."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             preexec_fn=_die_with_parent)

    def forward(signum, _frame):
        if child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    prefix = f"{name:<22}| ".encode()
    out = sys.stdout.buffer
    for line in iter(child.stdout.readline, b""):
        try:
            out.write(prefix + line)
            out.flush()
        except BrokenPipeError:
            pass
    code = child.wait()
    return 128 - code if code < 0 else code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["tag"]:
        if len(argv) < 4 or argv[2] != "--":
            print("usage: python -m credit_common.supervision tag NAME -- COMMAND...",
                  file=sys.stderr)
            return 2
        return tag(argv[1], argv[3:])
    parser = argparse.ArgumentParser(prog="python -m credit_common.supervision")
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("run", help="run every Procfile process under supervisord")
    start.add_argument("--base-port", type=int, default=9100)
    start.add_argument("--count", default="", help="instances: workflow=2,intake=2")
    args = parser.parse_args(argv)
    run(_parse_counts(args.count), args.base_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
