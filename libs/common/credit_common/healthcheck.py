"""The health command of a container or probe, for every process kind of deploy/Procfile.

    python -m credit_common.healthcheck                    (the image's HEALTHCHECK)
        a service: GET /healthz on its METRICS_PORT; the gateway: GET /healthz on GATEWAY_PORT
    python -m credit_common.healthcheck --service intake
        a process without a port (a relay, workflow's documents, disclosure's inbound consumer):
        its service's database and broker, each checked as the service's own /healthz does

Exit 0 when healthy, 1 otherwise; the last line says what answered. Only the standard
library is imported for the port probe, so the answer costs a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
import warnings

SERVICES = ("intake", "workflow", "notification", "disclosure")
#: above the services' own HEALTH_CHECK_TIMEOUT_S and the gateway's 2 s bound of /healthz
PROBE_TIMEOUT_S = 4.0


def probe_url(environ: dict[str, str] | None = None) -> str | None:
    """The /healthz this process serves, from its variables; None when it serves no port."""
    environ = os.environ if environ is None else environ
    for variable in ("METRICS_PORT", "GATEWAY_PORT"):
        value = (environ.get(variable) or "").strip()
        if value and value != "0":
            port = int(value)
            return f"http://127.0.0.1:{port}/healthz"
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


def dependency_checks(service: str) -> dict[str, str]:
    """The database and broker of ``service`` as its processes reach them (its own
    ``<SERVICE>_DATABASE_URL``/``<SERVICE>_AMQP_URI`` or the templates), each ok or not.
    The process must be eventlet-patched: the checks' timeouts are greenthread timeouts."""
    from typing import ClassVar

    from pydantic import Field

    from credit_common.nameko_ext.health import run_checks, service_checks
    from credit_common.settings import ServiceSettings

    upper = service.upper()

    class Settings(ServiceSettings):
        service_name: ClassVar[str] = service
        service_database_url: str | None = Field(None, validation_alias=f"{upper}_DATABASE_URL")
        process_amqp_uri: str | None = Field(None, validation_alias=f"{upper}_AMQP_URI")

    settings = Settings()
    timeout_s = settings.health_check_timeout_s
    return run_checks(service_checks(settings, settings.amqp_uri, timeout_s), timeout_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m credit_common.healthcheck",
        description="容器健康检查：本进程的 /healthz，或无端口进程所属服务的数据库与消息代理")
    parser.add_argument("--service", choices=SERVICES,
                        help="无端口的进程（转发器、文书生成、入站消费者）所属的服务")
    args = parser.parse_args(argv)
    if args.service:
        # Nameko 2.14 is built on eventlet; its deprecation notice is not actionable here
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
        from credit_common.logging import configure_logging

        # why a check failed, as a log line before the report (the report is the last line)
        configure_logging("healthcheck", "WARNING", os.environ.get("LOG_FORMAT", "json"))
        checks = dependency_checks(args.service)
        healthy = all(state == "ok" for state in checks.values())
        print(json.dumps({"service": args.service, "status": "ok" if healthy else "degraded",
                          "checks": checks}, ensure_ascii=False))
        return 0 if healthy else 1
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
