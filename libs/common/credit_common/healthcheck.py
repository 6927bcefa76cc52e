"""The health command of every process kind of deploy/Procfile, for a container's health
check (the image's HEALTHCHECK, deploy/compose.yaml) and a Kubernetes exec probe.

    python -m credit_common.healthcheck
        a service: GET /healthz on its METRICS_PORT; the gateway: GET /healthz on GATEWAY_PORT
    python -m credit_common.healthcheck --service <name> [--no-broker] [--timeout S]
        a process without a port (a relay, workflow's documents, disclosure's inbound
        consumer) is ready: its service's database and broker, as that process reaches them,
        each checked as the service's own /healthz does
    python -m credit_common.healthcheck --alive [--max-age S]
        such a process is alive: its loop touched LIVENESS_FILE (credit_common.liveness)
        within --max-age seconds, whatever its dependencies do

Exit 0 when healthy, 1 otherwise (2 for a wrong call); the last line says what answered, and
what failed is named on stderr. The port probe and --alive import only the standard library,
so the answer costs a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import warnings

#: above the services' own HEALTH_CHECK_TIMEOUT_S and the gateway's 2 s bound of /healthz
PROBE_TIMEOUT_S = 4.0
#: the relays' and the renderer's loops go round at least this often, outages included
DEFAULT_MAX_AGE_S = 120.0
#: addresses a server listens on every interface with: the probe beside it uses loopback
WILDCARD_HOSTS = ("", "0.0.0.0", "::")
DEPENDENCY_NAMES = {"database": "数据库", "broker": "消息服务器"}


def probe_url(environ: dict[str, str] | None = None) -> str | None:
    """The /healthz this process serves, from its variables; None when it serves no port."""
    environ = os.environ if environ is None else environ
    for prefix in ("METRICS", "GATEWAY"):
        value = (environ.get(f"{prefix}_PORT") or "").strip()
        if value and value != "0":
            host = (environ.get(f"{prefix}_HOST") or "").strip()
            host = "127.0.0.1" if host in WILDCARD_HOSTS else host
            return f"http://{f'[{host}]' if ':' in host else host}:{int(value)}/healthz"
    return None


def probe(url: str, timeout_s: float = PROBE_TIMEOUT_S) -> tuple[bool, str]:
    """(healthy, what answered) of one GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:
            return answer.status == 200, f"{url} 答复 {answer.status}"
    except urllib.error.HTTPError as exc:
        body = exc.read(500).decode("utf-8", "replace")
        return False, f"{url} 答复 {exc.code}：{body}"
    except (OSError, ValueError) as exc:
        return False, f"{url} 无法访问：{exc}"


def liveness_problem(path: str | None, max_age_s: float) -> str | None:
    """Why the loop touching ``path`` is not alive, or None when it touched it in time."""
    if not path:
        return "未设置 LIVENESS_FILE，无法判断进程是否在运行"
    try:
        age = time.time() - os.stat(path).st_mtime
    except FileNotFoundError:
        return f"存活文件 {path} 不存在：进程尚未开始工作"
    if age > max_age_s:
        return f"存活文件 {path} 已 {age:.0f} 秒未更新（上限 {max_age_s:.0f} 秒）"
    return None


def dependency_checks(service: str, broker: bool = True,
                      timeout_s: float | None = None) -> dict[str, str]:
    """The database (and broker) of ``service`` as its processes reach them (its own
    ``<SERVICE>_DATABASE_URL``/``<SERVICE>_AMQP_URI`` or the templates), each ok or not.
    The process must be eventlet-patched: the checks' timeouts are greenthread timeouts."""
    from credit_common.nameko_ext.health import run_checks, service_checks
    from credit_common.settings import service_settings

    settings = service_settings(service)()
    timeout_s = settings.health_check_timeout_s if timeout_s is None else timeout_s
    checks = service_checks(settings, settings.amqp_uri, timeout_s)
    if not broker:
        del checks["broker"]
    return run_checks(checks, timeout_s)


def ready(service: str, broker: bool, timeout_s: float | None) -> int:
    """Called after ``eventlet.monkey_patch()``."""
    from credit_common.logging import configure_logging

    # why a check failed, as a log line before the report (the report is the last line)
    configure_logging("healthcheck", "WARNING", os.environ.get("LOG_FORMAT", "json"))
    checks = dependency_checks(service, broker=broker, timeout_s=timeout_s)
    failed = {name: state for name, state in checks.items() if state != "ok"}
    for name, state in failed.items():
        print(f"{service} 无法连接{DEPENDENCY_NAMES[name]}：{state}", file=sys.stderr)
    print(json.dumps({"service": service, "status": "degraded" if failed else "ok",
                      "checks": checks}, ensure_ascii=False))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m credit_common.healthcheck",
        description="健康检查：默认检查本进程端口上的 /healthz；无端口的进程用 --service "
                    "检查其服务的数据库与消息服务器（就绪），用 --alive 检查存活文件（存活）")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--service", metavar="SERVICE",
                      help="无端口的进程（转发器、文书生成、入站消费者）所属的服务")
    kind.add_argument("--alive", action="store_true",
                      help="LIVENESS_FILE 在 --max-age 秒内更新过")
    parser.add_argument("--no-broker", action="store_true",
                        help="与 --service 同用：进程不使用消息服务器（workflow documents）")
    parser.add_argument("--timeout", type=float,
                        help="与 --service 同用：每项检查的时限（秒），默认 HEALTH_CHECK_TIMEOUT_S")
    parser.add_argument("--max-age", type=float,
                        help=f"与 --alive 同用：存活文件的最大时长（秒），默认 {DEFAULT_MAX_AGE_S:.0f}")
    args = parser.parse_args(argv)
    if not args.service and (args.no_broker or args.timeout is not None):
        parser.error("--no-broker 与 --timeout 只能与 --service 同用")
    if not args.alive and args.max_age is not None:
        parser.error("--max-age 只能与 --alive 同用")
    if args.service:
        # Nameko 2.14 is built on eventlet; its deprecation notice is not actionable here
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        # before anything imports socket, threading or psycopg2 (topology's settings do)
        eventlet.monkey_patch()
        # imported here: the settings behind SERVICES cost the port probe more than its answer
        from credit_common.topology import SERVICES

        if args.service not in SERVICES:
            parser.error(f"未知的服务 {args.service!r}（可选：{'、'.join(SERVICES)}）")
        return ready(args.service, broker=not args.no_broker, timeout_s=args.timeout)
    if args.alive:
        path = os.environ.get("LIVENESS_FILE")
        max_age_s = DEFAULT_MAX_AGE_S if args.max_age is None else args.max_age
        if problem := liveness_problem(path, max_age_s):
            print(problem, file=sys.stderr)
            return 1
        print(f"存活文件 {path} 在 {max_age_s:.0f} 秒内更新过")
        return 0
    url = probe_url()
    if url is None:
        print("未设置 METRICS_PORT 或 GATEWAY_PORT：无端口的进程请用 --service <服务名> 检查其依赖",
              file=sys.stderr)
        return 1
    healthy, said = probe(url)
    print(said, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
