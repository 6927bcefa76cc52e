"""The gateway application: ``create_app()`` wires settings, the RPC client, middleware,
error handlers and routers (the FastAPI full-stack template's layout)."""

from __future__ import annotations

import ipaddress
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gateway import __version__
from gateway.api.deps import SessionCache
from gateway.api.errors import install_error_handlers
from gateway.api.middleware import GatewayMiddleware
from gateway.api.pages import install_pages
from gateway.api.rate_limits import RateLimitMiddleware
from gateway.api.routes import applicant, dev, health, listing_removals, officer, public
from gateway.core.config import GatewaySettings, get_settings
from gateway.rpc.client import RpcClient


def dev_routes_allowed(settings: GatewaySettings) -> bool:
    """The development routes bypass every rule: only in development, only on loopback."""
    try:
        loopback = ipaddress.ip_address(settings.gateway_host).is_loopback
    except ValueError:
        loopback = settings.gateway_host == "localhost"
    return settings.development and settings.dev_mode and loopback


def create_app(settings: GatewaySettings | None = None, rpc: RpcClient | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        client = rpc or RpcClient(settings.amqp_uri, timeout_s=settings.rpc_timeout_s)
        app.state.rpc = client
        app.state.sessions = SessionCache(settings.session_check_cache_s)
        await client.start(wait_s=5)
        try:
            yield
        finally:
            await client.close()

    app = FastAPI(title="信用修复平台 API", version=__version__, lifespan=lifespan,
                  description="市场监管信用修复：申请人与办理人员的接口。错误统一返回 "
                              "`{code, message, request_id}`。")
    app.state.settings = settings
    # added first, so it runs inside GatewayMiddleware: a 429 carries the request id too
    app.add_middleware(RateLimitMiddleware, storage_uri=settings.rate_limit_storage_uri,
                       prefix=settings.rate_limit_prefix,
                       limits={"public": settings.rate_limit_public,
                               "login": settings.rate_limit_login})
    app.add_middleware(GatewayMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_upload_body_bytes=settings.max_upload_bytes + 256 * 1024)
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(public.router)
    app.include_router(applicant.router)
    app.include_router(applicant.signing_router)
    app.include_router(officer.router)
    app.include_router(officer.admin_router)
    app.include_router(listing_removals.router)
    if dev_routes_allowed(settings):
        app.include_router(dev.router)
    install_pages(app, settings.web_root)
    return app
