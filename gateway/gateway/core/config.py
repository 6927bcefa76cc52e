"""The gateway's settings, from the environment (see ``.env.example``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from credit_common.settings import CommonSettings

SERVICES = ("intake", "workflow", "notification", "disclosure")


class GatewaySettings(CommonSettings):
    gateway_host: str = Field("127.0.0.1", validation_alias="GATEWAY_HOST")
    gateway_port: int = Field(8000, validation_alias="GATEWAY_PORT")
    #: how long an RPC call may take before the caller gets 504
    rpc_timeout_s: float = Field(5.0, gt=0, validation_alias="RPC_TIMEOUT_S")
    #: /healthz asks every service at once and waits at most this long for each
    health_timeout_s: float = Field(2.0, gt=0, validation_alias="HEALTH_TIMEOUT_S")
    max_body_bytes: int = Field(1_048_576, gt=0, validation_alias="MAX_BODY_BYTES")


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
