"""The gateway's settings, from the environment (see ``.env.example``)."""

from __future__ import annotations

import pathlib
from functools import lru_cache
from typing import ClassVar

from pydantic import Field

from credit_common.settings import CommonSettings

#: the repository's web/ folder (an image puts the built pages elsewhere: WEB_ROOT)
DEFAULT_WEB_ROOT = pathlib.Path(__file__).resolve().parents[3] / "web"


class GatewaySettings(CommonSettings):
    secret_fields: ClassVar[dict[str, str]] = {"jwt_secret": "JWT_SECRET"}
    service_name: ClassVar[str] = "gateway"

    process_amqp_uri: str | None = Field(None, validation_alias="GATEWAY_AMQP_URI")

    gateway_host: str = Field("127.0.0.1", validation_alias="GATEWAY_HOST")
    gateway_port: int = Field(8000, validation_alias="GATEWAY_PORT")
    #: how long an RPC call may take before the caller gets 504
    rpc_timeout_s: float = Field(5.0, gt=0, validation_alias="RPC_TIMEOUT_S")
    #: /healthz asks every service at once and waits at most this long for each: under 2 s,
    #: and longer than the services' own HEALTH_CHECK_TIMEOUT_S so they can name what failed
    health_timeout_s: float = Field(1.5, gt=0, validation_alias="HEALTH_TIMEOUT_S")
    max_body_bytes: int = Field(1_048_576, gt=0, validation_alias="MAX_BODY_BYTES")
    #: one uploaded file (the same variable intake checks); the upload body may carry this
    #: plus the multipart envelope
    max_upload_bytes: int = Field(10 * 1024 * 1024, gt=0, validation_alias="MAX_UPLOAD_BYTES")

    #: HS256 key for access tokens: set a long random value in production
    jwt_secret: str = Field("development-only-jwt-secret-change-me-in-production",
                            validation_alias="JWT_SECRET")
    access_token_ttl_s: int = Field(900, gt=0, validation_alias="ACCESS_TOKEN_TTL_S")
    #: how long this gateway trusts "the session is not revoked" before asking again;
    #: a logout through this gateway takes effect at once
    session_check_cache_s: float = Field(10.0, ge=0, validation_alias="SESSION_CHECK_CACHE_S")
    #: the public address the legal representative's signing link and QR code point to
    public_base_url: str = Field("http://127.0.0.1:8000", validation_alias="PUBLIC_BASE_URL")
    #: the proxies whose X-Forwarded-For names the client (uvicorn's forwarded_allow_ips)
    forwarded_allow_ips: str = Field("127.0.0.1", validation_alias="FORWARDED_ALLOW_IPS")
    #: where the rate limits count (shared by every gateway process)
    rate_limit_storage_uri: str = Field("async+redis://127.0.0.1:6379/0",
                                        validation_alias="RATE_LIMIT_STORAGE_URI")
    rate_limit_prefix: str = Field("credit-gateway", validation_alias="RATE_LIMIT_PREFIX")
    #: per client IP: public queries and document verification; login and code routes
    rate_limit_public: str = Field("120/minute", validation_alias="RATE_LIMIT_PUBLIC")
    rate_limit_login: str = Field("20/minute", validation_alias="RATE_LIMIT_LOGIN")
    #: holds applicant/dist and officer/dist, the built pages served at / and /workbench/
    web_root: pathlib.Path = Field(DEFAULT_WEB_ROOT, validation_alias="WEB_ROOT")


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
