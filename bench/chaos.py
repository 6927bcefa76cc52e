"""``make chaos``: faults injected into a platform under load, and the count afterwards.

Starts its own platform (vhost ``credit-chaos``, databases ``credit_chaos_<service>``, its
processes as the application roles, restarted by make run's policy), offers a steady load of
submissions and approvals through the gateway (``bench.steady``), and injects one after
another, waiting for the platform to answer again in between:

  broker restart           ``rabbitmqctl stop_app``, 5 s, ``start_app``
  vhost connections closed ``rabbitmqctl close_all_connections --vhost credit-chaos``
  PostgreSQL restart       ``pg_ctlcluster <version> <cluster> restart -m fast``
  PostgreSQL paused 30 s   SIGSTOP of the cluster's postmaster and every backend, SIGCONT
  kill -9                  of one process of each kind, in random order at random moments,
                           ``--rounds`` rounds

It restarts the machine's shared RabbitMQ and PostgreSQL, so it is no part of ``make test``;
whatever happens, it leaves both running (``start_app``, SIGCONT, ``pg_ctlcluster start``).
Then it counts submissions accepted, cases opened, approvals, decisions, disclosure changes
and SMS messages, prints the table (also ``bench/results/chaos.md``) and exits 1 on any loss,
duplicate, hang, or failed request that is not 503/504 with a code.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid

from credit_common.testing import isolation
from credit_common.testing.platform import Platform, read_procfile, service_processes, wait_until
from credit_common.topology import SERVICES

from bench import load, steady
from bench.run import prepare_broker_and_databases

ROOT = pathlib.Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
VHOST = "credit-chaos"
APP_TEMPLATE = isolation.role_url_template("credit_chaos_{service}", "app")
KINDS = tuple(read_procfile())
SUBMIT_RATE = 10
APPROVE_RATE = 1.0
BROKER_DOWN_S = 5
PAUSE_S = 30
#: the platform must answer again within this after a fault ends
RECOVERY_TIMEOUT_S = 120


def _run(*command: str, timeout: float = 120) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=timeout)


def prepare() -> dict[str, str]:
    return prepare_broker_and_databases(VHOST, "chaos")


# -- the shared servers ---------------------------------------------------------------------

def pg_cluster() -> tuple[str, str, pathlib.Path]:
    """(version, name, data directory) of the cluster on port 5432 (``pg_lsclusters``)."""
    listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                            check=True).stdout
    for line in listed.splitlines():
        version, name, port, _status, _owner, data, *_ = line.split()
        if port == "5432":
            return version, name, pathlib.Path(data)
    raise RuntimeError(f"no PostgreSQL cluster on port 5432:\n{listed}")


def pg_processes() -> list[int]:
    """The postmaster first, then every process it started."""
    _version, _name, data = pg_cluster()
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True,
                              text=True).stdout.split()
    return [postmaster, *map(int, children)]


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


def leave_servers_running() -> None:
    """Whatever happened: PostgreSQL continued and started, RabbitMQ's app started."""
    try:
        for pid in pg_processes():
            os.kill(pid, signal.SIGCONT)
    except (OSError, RuntimeError, subprocess.SubprocessError):
        pass
    if not pg_ready():
        version, name, _ = pg_cluster()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"],
                       timeout=120)
    subprocess.run(["rabbitmqctl", "-q", "start_app"], timeout=120)


def broker_restart() -> None:
    _run("rabbitmqctl", "-q", "stop_app")
    try:
        time.sleep(BROKER_DOWN_S)  # the outage itself
    finally:
        _run("rabbitmqctl", "-q", "start_app")


def close_vhost_connections() -> None:
    _run("rabbitmqctl", "-q", "close_all_connections", "--vhost", VHOST, "--limit", "1000",
         "make chaos")


def postgresql_restart() -> None:
    version, name, _ = pg_cluster()
    _run("pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart", "-m", "fast")


def postgresql_pause() -> None:
    stopped = []
    try:
        for pid in pg_processes():
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)
        time.sleep(PAUSE_S)  # the pause itself
    finally:
        for pid in reversed(stopped):
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass


FAULTS = {
    "broker": ("broker restart (stop_app 5 s, start_app)", broker_restart),
    "connections": (f"vhost connections closed (close_all_connections --vhost {VHOST})",
                    close_vhost_connections),
    "pg-restart": ("PostgreSQL restart (pg_ctlcluster restart -m fast)", postgresql_restart),
    "pg-pause": (f"PostgreSQL paused {PAUSE_S} s (SIGSTOP/SIGCONT)", postgresql_pause),
    "kill": None,  # kill -9 of each kind, --rounds times
}


# -- one fault, and the recovery ------------------------------------------------------------

def inject(platform: Platform, traffic: steady.SteadyLoad, name: str, action) -> dict:
    started = time.monotonic()
    action()
    ended = time.monotonic()
    platform.wait_healthy(timeout=RECOVERY_TIMEOUT_S)
    recovered = wait_until(lambda: steady.first_success_after(traffic.calls, ended),
                           RECOVERY_TIMEOUT_S, interval=0.1,
                           message=f"a request answered after {name}")
    return {"fault": name, "started": started, "injected_s": round(ended - started, 1),
            "recovered_s": round(recovered - started, 1)}


def kill_one(platform: Platform, kind: str, rng: random.Random):
    def action():
        time.sleep(rng.uniform(0, 3))  # a random moment of the load
        before = platform.restart_count(kind)
        platform.crash(kind)
        platform.wait_restarted(kind, before, timeout=RECOVERY_TIMEOUT_S)
    return action


def table(faults: list[dict], calls: list[steady.Call]) -> list[str]:
    lines = ["| fault | injected s | recovered after s | failed requests (status code × n) "
             "| hangs |", "|---|---:|---:|---|---:|"]
    for n, fault in enumerate(faults):
        end = faults[n + 1]["started"] if n + 1 < len(faults) else float("inf")
        failed = steady.failures_between(calls, fault["started"], end)
        hangs = sum(1 for c in calls if fault["started"] <= c.sent_at < end and c.hang)
        text = ", ".join(f"{label} × {count}" for label, count in sorted(failed.items())) or "0"
        lines.append(f"| {fault['fault']} | {fault['injected_s']} | {fault['recovered_s']} | "
                     f"{text} | {hangs} |")
    return lines


def figures(submissions: dict, approvals: dict) -> list[str]:
    return [
        "| count | figure | lost | duplicated |", "|---|---:|---:|---:|",
        f"| submissions sent | {submissions['sent']} | | |",
        f"| submissions accepted (201) | {submissions['answered_201']} | "
        f"{submissions['lost']['answered_without_application']} | "
        f"{submissions['duplicated']['applications_per_key']} |",
        f"| applications in intake | {submissions['applications']} | | |",
        f"| cases opened | {submissions['cases']} | "
        f"{submissions['lost']['application_without_case'] + submissions['lost']['case_unknown_to_intake']} | "  # noqa: E501
        f"{submissions['duplicated']['cases_per_application'] + submissions['duplicated']['case_without_application']} |",  # noqa: E501
        f"| approvals confirmed (200) | {approvals['confirmed']} | | |",
        f"| cases approved | {approvals['approved']} | {approvals['lost']['approved']} | "
        f"{approvals['duplicated']['approved']} |",
        f"| decisions rendered | {approvals['decisions']} | {approvals['lost']['decisions']} | "
        f"{approvals['duplicated']['decisions']} |",
        f"| applications repaired | {approvals['repaired']} | {approvals['lost']['repaired']} | "
        f"{approvals['duplicated']['repaired']} |",
        f"| disclosure changes | {approvals['disclosure_changes']} | "
        f"{approvals['lost']['disclosure_changes']} | "
        f"{approvals['duplicated']['disclosure_changes']} |",
        f"| SMS messages | {approvals['sms']} | {approvals['lost']['sms']} | "
        f"{approvals['duplicated']['sms']} |",
        f"| effects without an approval | | | "
        f"{approvals['duplicated']['effect_without_approval']} |",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds of kill -9 of each kind")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--faults", type=lambda v: v.split(","), default=list(FAULTS),
                        metavar="NAME[,NAME]", help=f"only these of {', '.join(FAULTS)}")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    rng = random.Random(seed)
    # stopped with SIGTERM it still restores the servers and stops its platform
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    begun = time.monotonic()
    env = prepare()
    urls = {s: APP_TEMPLATE.format(service=s) for s in SERVICES}
    marker = uuid.uuid4().hex[:8]
    prepared = steady.prepare_approvals(urls, 600, marker[:6])
    log_dir = pathlib.Path(tempfile.mkdtemp(prefix="credit-chaos-"))
    platform = Platform(env=env, log_dir=log_dir)
    platform.env["PUBLIC_BASE_URL"] = platform.url
    faults: list[dict] = []
    traffic = None
    try:
        for name in (*service_processes(), "gateway"):
            platform.start(name)
        platform.wait_healthy(timeout=90)
        headers = steady.approver_headers(platform.url, prepared["approver_phone"])
        traffic = steady.SteadyLoad(platform.url, marker, SUBMIT_RATE, prepared["cases"],
                                    APPROVE_RATE, headers).start()
        wait_until(lambda: any(c.ok for c in traffic.calls), 30, message="the load answered")
        plan = [(FAULTS[f][0], FAULTS[f][1]) for f in args.faults if FAULTS[f]]
        for round_ in range(args.rounds if "kill" in args.faults else 0):
            for kind in rng.sample(KINDS, len(KINDS)):
                plan.append((f"kill -9 {kind} (round {round_ + 1})",
                             kill_one(platform, kind, rng)))
        for name, action in plan:
            print(f"{time.monotonic() - begun:6.0f} s  {name}", flush=True)
            faults.append(inject(platform, traffic, name, action))
    finally:
        if traffic is not None:
            traffic.stop()
        leave_servers_running()
    try:
        submissions = load.account(urls["intake"], urls["workflow"], marker,
                                   traffic.submissions, wait_s=180)
        approvals = steady.account_approvals(urls, prepared["cases"], traffic.approved,
                                             wait_s=180)
    finally:
        platform.stop_all()
    gateway_down = [(f["started"], f["started"] + f["recovered_s"]) for f in faults
                    if f["fault"].startswith("kill -9 gateway")]
    bad = steady.bad_failures(traffic.calls, gateway_down)
    lines = [f"make chaos: {len(faults)} faults in {time.monotonic() - begun:.0f} s, "
             f"{SUBMIT_RATE} submissions/s and {APPROVE_RATE} approvals/s offered, "
             f"seed {seed}, restarts by the supervisor: {len(platform.restarts)}, "
             f"given up: {sorted(platform.given_up) or 'none'}", "",
             *table(faults, traffic.calls), "", *figures(submissions, approvals), ""]
    failed = (submissions["lost_total"] or submissions["duplicated_total"]
              or approvals["lost_total"] or approvals["duplicated_total"] or bad
              or platform.given_up)
    lines.append("CHAOS CHECK FAILED" if failed else
                 "0 lost, 0 duplicated; every failed request 503/504 with a code, no hang")
    if bad:
        lines.append("requests that must not fail so: " + json.dumps(
            [{"kind": c.kind, "status": c.status, "code": c.code,
              "elapsed_s": round(c.elapsed_s, 1)} for c in bad[:10]], ensure_ascii=False))
    lines.append(f"process logs: {log_dir}")
    text = "\n".join(lines)
    print("\n" + text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "chaos.md").write_text(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
