"""FastAPI dependencies: the RPC client of this process and a caller bound to the request."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from gateway.core.config import GatewaySettings
from gateway.core.context import current_request_id
from gateway.rpc.client import RpcClient


class ServiceCaller:
    """Calls ``service.method(**kwargs)`` carrying the current request id."""

    def __init__(self, client: RpcClient):
        self.client = client

    async def __call__(self, service: str, method: str, timeout_s: float | None = None,
                       **kwargs: Any) -> Any:
        return await self.client.call(service, method, kwargs=kwargs, timeout_s=timeout_s,
                                      request_id=current_request_id())


def get_rpc_client(request: Request) -> RpcClient:
    return request.app.state.rpc


def get_caller(request: Request) -> ServiceCaller:
    return ServiceCaller(request.app.state.rpc)


def get_gateway_settings(request: Request) -> GatewaySettings:
    return request.app.state.settings


Caller = Annotated[ServiceCaller, Depends(get_caller)]
Settings = Annotated[GatewaySettings, Depends(get_gateway_settings)]
