"""Liveness of the whole platform, and Prometheus metrics."""

from __future__ import annotations

import asyncio

from fastapi import Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.api.deps import Caller, Settings
from gateway.api.errors import error_body
from gateway.api.routing import PrefixRouter
from gateway.core.config import SERVICES
from gateway.rpc.client import RpcError

router = PrefixRouter(tags=["运行状态"])


@router.get("/healthz", summary="平台健康检查",
            responses={503: {"description": "至少一个服务不可用，details.down 列出它们"}})
async def healthz(call: Caller, settings: Settings):
    async def ask(service: str) -> dict:
        try:
            status = await call(service, "health", timeout_s=settings.health_timeout_s)
        except RpcError as exc:
            return {"service": service, "ok": False, "error": type(exc).__name__}
        return status if isinstance(status, dict) else {"service": service, "ok": False}

    statuses = await asyncio.gather(*(ask(s) for s in SERVICES))
    services = dict(zip(SERVICES, statuses))
    down = [name for name, status in services.items() if not status.get("ok")]
    if down:
        body = error_body("SERVICE_UNAVAILABLE", "以下服务不可用：" + "、".join(down),
                          {"down": down, "services": services})
        return JSONResponse(body, status_code=503)
    return {"status": "ok", "services": services}


@router.get("/metrics", summary="Prometheus 指标", include_in_schema=False)
async def metrics():
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
