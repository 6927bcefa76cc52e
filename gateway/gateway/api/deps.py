"""FastAPI dependencies: the RPC client of this process and a caller bound to the request."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from credit_common.contracts.vocabulary import OfficerRole
from credit_common.errors import Unauthenticated
from gateway.core.config import GatewaySettings
from gateway.core.context import current_request_id
from gateway.core.errors import ApiError
from gateway.core.security import Principal, read_access_token
from gateway.rpc.client import RpcClient


class ServiceCaller:
    """Calls ``service.method(**kwargs)`` carrying the current request id."""

    def __init__(self, client: RpcClient):
        self.client = client

    async def __call__(self, service: str, operation: str, /, timeout_s: float | None = None,
                       **kwargs: Any) -> Any:
        # positional-only, so a service argument may itself be called "method" or "service"
        return await self.client.call(service, operation, kwargs=kwargs, timeout_s=timeout_s,
                                      request_id=current_request_id())


# async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, and that
# hand-off costs more than the whole RPC on a busy 2-core machine

async def get_rpc_client(request: Request) -> RpcClient:
    return request.app.state.rpc


async def get_caller(request: Request) -> ServiceCaller:
    return ServiceCaller(request.app.state.rpc)


async def get_gateway_settings(request: Request) -> GatewaySettings:
    return request.app.state.settings


Caller = Annotated[ServiceCaller, Depends(get_caller)]
Settings = Annotated[GatewaySettings, Depends(get_gateway_settings)]


class SessionCache:
    """"This session is live and this principal's", remembered for a few seconds per gateway
    process so a request does not pay an extra RPC; a logout through this process forgets at
    once. Kept per session id with the principal it was checked for: a token naming another
    principal with the same session id is checked again (and refused)."""

    def __init__(self, ttl_s: float):
        self.ttl_s = ttl_s
        self.checked: dict[str, tuple[float, str]] = {}

    def fresh(self, session_id: str, principal: str) -> bool:
        at, checked_for = self.checked.get(session_id, (-1e9, ""))
        return checked_for == principal and time.monotonic() - at < self.ttl_s

    def remember(self, session_id: str, principal: str) -> None:
        if len(self.checked) > 100_000:
            self.checked.clear()
        self.checked[session_id] = (time.monotonic(), principal)

    def forget(self, session_id: str) -> None:
        self.checked.pop(session_id, None)


bearer = HTTPBearer(auto_error=False, description="登录后取得的 access_token")

#: which service keeps the sessions of each role
SESSION_OWNER = {"applicant": "intake", "officer": "workflow"}


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise ApiError(401, Unauthenticated.default_code, Unauthenticated.default_message)
    settings: GatewaySettings = request.app.state.settings
    principal = read_access_token(settings.jwt_secret, credentials.credentials)
    if principal is None:
        raise ApiError(401, "INVALID_TOKEN", "登录已失效，请重新登录")
    cache: SessionCache = request.app.state.sessions
    # the session must be live and the token's subject's own
    owned_by = f"{principal.role}:{principal.id}"
    if not cache.fresh(principal.session_id, owned_by):
        owner = SESSION_OWNER.get(principal.role)
        active = owner is not None and await request.app.state.rpc.call(
            owner, "session_active", kwargs={"session_id": principal.session_id,
                                             "principal_id": principal.id},
            request_id=current_request_id())
        if not active:
            raise ApiError(401, "SESSION_REVOKED", "登录已失效，请重新登录")
        cache.remember(principal.session_id, owned_by)
    request.state.principal = principal
    return principal


def require_role(role: str):
    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role != role:
            raise ApiError(403, "ROLE_NOT_ALLOWED", "当前登录身份无权使用该功能")
        return principal

    return check


async def require_administrator(
    principal: Annotated[Principal, Depends(require_role("officer"))],
) -> Principal:
    if OfficerRole.administrator not in principal.roles:
        raise ApiError(403, "ROLE_NOT_ALLOWED", "该功能仅限管理员使用")
    return principal


Applicant = Annotated[Principal, Depends(require_role("applicant"))]
Officer = Annotated[Principal, Depends(require_role("officer"))]
Administrator = Annotated[Principal, Depends(require_administrator)]
