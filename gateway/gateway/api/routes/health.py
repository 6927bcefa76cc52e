"""Liveness of the whole platform, and Prometheus metrics."""

from __future__ import annotations

import asyncio

from fastapi import Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from credit_common.topology import SERVICES
from gateway.api.deps import Caller, Settings
from gateway.api.errors import error_body
from gateway.api.routing import PrefixRouter
from gateway.rpc.client import RpcError, RpcTimeout, ServiceUnavailable

router = PrefixRouter(tags=["运行状态"])


#: what the gateway reports for a service it asked: named, never a hang
_RPC_STATES = {RpcTimeout: "timeout", ServiceUnavailable: "unreachable"}


@router.get("/healthz", summary="平台健康检查",
            responses={503: {"description": "至少一个服务不可用，details.down 列出它们"}})
async def healthz(call: Caller, settings: Settings):
    async def ask(service: str) -> dict:
        try:
            status = await call(service, "health", timeout_s=settings.health_timeout_s)
        except RpcError as exc:
            state = next((s for kind, s in _RPC_STATES.items() if isinstance(exc, kind)),
                         "error")
            return {"service": service, "ok": False, "error": type(exc).__name__,
                    "state": state}
        return status if isinstance(status, dict) else {"service": service, "ok": False}

    statuses = await asyncio.gather(*(ask(s) for s in SERVICES))
    services = dict(zip(SERVICES, statuses, strict=True))
    checks = {"broker": "ok" if getattr(call.client, "ready", True) else "unreachable"}
    for name, status in services.items():
        checks[name] = "ok" if status.get("ok") else status.get("state", "degraded")
        for dependency, state in (status.get("checks") or {}).items():
            checks[f"{name}.{dependency}"] = state
    # the services' databases in one word: the first that is not ok names the state
    databases = [checks[key] for key in checks if key.endswith(".database")]
    if databases:
        checks["database"] = next((s for s in databases if s != "ok"), "ok")
    down = [name for name, status in services.items() if not status.get("ok")]
    if down or checks["broker"] != "ok":
        body = error_body("SERVICE_UNAVAILABLE", "以下服务不可用：" + "、".join(down or ["broker"]),
                          {"down": down, "services": services, "checks": checks})
        return JSONResponse({**body, "status": "degraded", "checks": checks}, status_code=503)
    return {"status": "ok", "checks": checks, "services": services}


@router.get("/livez", summary="网关进程存活", include_in_schema=False)
async def livez():
    # answered by the event loop alone: a service or broker outage must not restart gateways
    return {"status": "ok"}


@router.get("/readyz", summary="网关可接收请求", include_in_schema=False)
async def readyz(call: Caller):
    # only this gateway's own broker connection: every API call needs it, and a gateway
    # reconnecting is taken out of rotation while the others serve
    if getattr(call.client, "ready", True):
        return {"status": "ok", "checks": {"broker": "ok"}}
    body = error_body("SERVICE_UNAVAILABLE", "网关尚未连接消息服务器",
                      {"checks": {"broker": "unreachable"}})
    return JSONResponse({**body, "status": "degraded"}, status_code=503)


@router.get("/metrics", summary="Prometheus 指标", include_in_schema=False)
async def metrics():
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
