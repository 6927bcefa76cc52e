"""What a container runtime runs to probe the processes that serve no HTTP port (the
relays, workflow's document renderer, disclosure's inbound consumer).

    python -m credit_common.probe ready <service> [--no-broker] [--timeout S]
    python -m credit_common.probe alive [--max-age S]

``ready``: the service's database as its application role (``<SERVICE>_DATABASE_URL`` or
the template) and the broker as the service's user (``<SERVICE>_AMQP_URI`` or the template)
both answer, each within ``--timeout`` seconds: the same two checks as a service's
``/healthz``, with the same credentials as the process, but with room for a fresh
interpreter on a busy node (``/healthz`` must answer within 2 s; a probe need not).
``alive``: ``LIVENESS_FILE`` was touched within ``--max-age`` seconds
(``credit_common.liveness``). Exit 0, or 1 with what failed on stderr.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

SERVICES = ("intake", "workflow", "notification", "disclosure")
DEFAULT_MAX_AGE_S = 120.0
DEFAULT_TIMEOUT_S = 5.0


def check_database(url: str, timeout_s: float, connect_args: dict) -> None:
    import psycopg2

    from credit_common.relay import libpq_dsn

    # libpq takes whole seconds (and at least 2): the probe's own timeout bounds the rest
    connection = psycopg2.connect(
        libpq_dsn(url), **{**connect_args, "connect_timeout": max(2, math.ceil(timeout_s))},
        application_name="probe")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def check_broker(amqp_uri: str, timeout_s: float) -> None:
    import pika

    params = pika.URLParameters(amqp_uri)
    params.connection_attempts = 1
    params.socket_timeout = timeout_s
    params.stack_timeout = timeout_s
    params.heartbeat = 0
    params.client_properties = {"connection_name": "probe"}
    pika.BlockingConnection(params).close()


def ready(service: str, broker: bool = True, timeout_s: float = DEFAULT_TIMEOUT_S) -> list[str]:
    """What the service's processes cannot reach, named for a person (empty when ready)."""
    from credit_common.db_admin import service_database_urls
    from credit_common.settings import ServiceSettings, amqp_uri_of

    settings = ServiceSettings()
    database_url, _ = service_database_urls(settings)[service]
    checks = {"数据库": lambda: check_database(database_url, timeout_s, settings.connect_args())}
    if broker:
        checks["消息服务器"] = lambda: check_broker(amqp_uri_of(service), timeout_s)
    problems = []
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - a probe names the failure, it does not raise
            problems.append(f"{service} 无法连接{name}：{type(exc).__name__}")
    return problems


def alive(path: str | None, max_age_s: float) -> list[str]:
    if not path:
        return ["未设置 LIVENESS_FILE，无法判断进程是否在运行"]
    try:
        age = time.time() - os.stat(path).st_mtime
    except FileNotFoundError:
        return [f"存活文件 {path} 不存在：进程尚未开始工作"]
    if age > max_age_s:
        return [f"存活文件 {path} 已 {age:.0f} 秒未更新（上限 {max_age_s:.0f} 秒）"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credit_common.probe",
                                     description="无 HTTP 端口的进程的就绪与存活检查")
    commands = parser.add_subparsers(dest="command", required=True)
    ready_parser = commands.add_parser("ready", help="数据库与消息服务器均可连接")
    ready_parser.add_argument("service", choices=SERVICES)
    ready_parser.add_argument("--no-broker", action="store_true",
                              help="进程不使用消息服务器（workflow documents）")
    ready_parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                              help="每项检查的时限（秒）")
    alive_parser = commands.add_parser("alive", help="存活文件在时限内更新过")
    alive_parser.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE_S)
    args = parser.parse_args(argv)
    if args.command == "ready":
        problems = ready(args.service, broker=not args.no_broker, timeout_s=args.timeout)
    else:
        problems = alive(os.environ.get("LIVENESS_FILE"), args.max_age)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
