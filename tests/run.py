"""``make test``: one isolated run of every suite against the real RabbitMQ and PostgreSQL.

The run gets its own vhost and databases (named after a fresh run id, so two runs on one
machine never collide), migrates them, runs the suites in separate pytest processes (service
suites are eventlet-patched, the gateway's and the end-to-end suite are not) and removes
everything it made, whatever happened. It fails if any suite fails or runs no test.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import time

from credit_common.testing import isolation
from credit_common.topology import SERVICES

ROOT = pathlib.Path(__file__).resolve().parents[1]
PY = sys.executable

SUITES = [
    ("unit", ["libs/common/tests/unit", *[f"services/{s}/tests/unit" for s in SERVICES],
              "gateway/tests/unit", "tests/unit"], ["-p", "no:pytest_nameko"]),
    ("service integration", ["libs/common/tests/integration",
                             *[f"services/{s}/tests/integration" for s in SERVICES]],
     ["-p", "no:pytest_nameko", "-p", "credit_common.testing.eventlet_plugin",
      "-p", "credit_common.testing.fixtures"]),
    ("gateway integration", ["gateway/tests/integration"],
     ["-p", "no:pytest_nameko", "-p", "credit_common.testing.fixtures"]),
    ("end-to-end", ["tests/e2e"], ["-p", "no:pytest_nameko", "-p", "credit_common.testing.fixtures"]),
    ("browser", ["tests/browser"], ["-p", "no:pytest_nameko", "-p", "credit_common.testing.fixtures"]),
]
#: the pages' type check against the generated API types, then their own unit tests (Vitest),
#: run before the browser suite
WEB_UNIT = "web unit"


def run_web_unit_tests() -> int:
    web = ROOT / "web"
    return (subprocess.call(["npm", "run", "--silent", "typecheck"], cwd=web)
            or subprocess.call(["npm", "test", "--silent"], cwd=web))


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.run",
                                     description="make test: every suite, isolated per run")
    parser.add_argument("--suite", action="append", choices=[WEB_UNIT, *(n for n, *_ in SUITES)],
                        help="run only this suite (repeatable)")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (e.g. -k name)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    chosen = set(arguments.suite or [WEB_UNIT, *(n for n, *_ in SUITES)])
    rid = isolation.run_id()
    output = ROOT / "var" / "test-output" / rid
    env = {**os.environ, **isolation.environment(rid), "PYTHONWARNINGS": "ignore",
           "TEST_OUTPUT_DIR": str(output)}
    print(f"test run {rid}: vhost {isolation.vhost_name(rid)}, databases credit_t{rid}_*",
          flush=True)
    started = time.monotonic()
    failures = []
    for abandoned in isolation.remove_abandoned_runs():
        print(f"removed the vhost and databases of killed test run {abandoned}", flush=True)
    descriptors = isolation.broker_file_descriptors()
    if descriptors and descriptors[1] - descriptors[0] < isolation.RUN_FILE_DESCRIPTORS:
        # past its limit the broker stops accepting connections: tests then time out
        print(f"warning: RabbitMQ uses {descriptors[0]} of its {descriptors[1]} file descriptors "
              f"and a run needs about {isolation.RUN_FILE_DESCRIPTORS}: other vhosts' quorum "
              "queues hold them (rabbitmqctl list_vhosts; make bench's and make run's), or "
              "raise its nofile limit", flush=True)
    try:
        isolation.create_vhost(rid)
        for service, url in isolation.create_databases(rid).items():
            isolation.migrate(service, url, str(ROOT))
        if WEB_UNIT in chosen:
            print(f"\n=== {WEB_UNIT} ===", flush=True)
            if run_web_unit_tests() != 0:
                failures.append(f"{WEB_UNIT}: vue-tsc or vitest failed")
        for name, paths, options in SUITES:
            if name not in chosen:
                continue
            paths = [p for p in paths if (ROOT / p).exists()]
            if not paths:
                failures.append(f"{name}: no test directory")
                continue
            print(f"\n=== {name} ===", flush=True)
            code = subprocess.call([PY, "-m", "pytest", "-q", *options, *paths,
                                    *arguments.pytest_args], cwd=ROOT, env=env)
            if code == 5:
                failures.append(f"{name}: ran no test")
            elif code != 0:
                failures.append(f"{name}: pytest exited {code}")
    finally:
        isolation.delete_vhost(rid)
        isolation.drop_databases(rid)
        shutil.rmtree(pathlib.Path(env["INTAKE_FILES_DIR"]).parent, ignore_errors=True)
    elapsed = time.monotonic() - started
    if failures:
        print(f"\nFAILED after {elapsed:.0f} s: " + "; ".join(failures), flush=True)
        return 1
    if output.exists():
        print(f"test output (screenshots): {output}", flush=True)
    print(f"\nall suites passed in {elapsed:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
