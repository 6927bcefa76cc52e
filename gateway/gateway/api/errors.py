"""Every error the gateway answers, in one place.

Body: ``{"code": "UPPER_SNAKE", "message": "<简体中文>", "request_id": "...", "details": {...}}``.
A service's exception is mapped to an HTTP status by its *type* (``exc_path``), never by
parsing its text; the code and message are the ones the service chose, else its class's
defaults (``credit_common.errors``), which the gateway's own answers of the same kind reuse.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from credit_common import errors
from credit_common.logging import get_logger
from gateway.core.context import current_request_id
from gateway.core.errors import ApiError
from gateway.rpc.client import RemoteError, RpcTimeout, ServiceUnavailable

log = get_logger(__name__)

#: a service's error type -> the HTTP status it is answered with
STATUS_OF: dict[type[errors.ServiceError], int] = {
    errors.NotFound: 404,
    errors.ValidationFailed: 422,
    errors.Conflict: 409,
    errors.Forbidden: 403,
    errors.Unauthenticated: 401,
    errors.TooManyRequests: 429,
    errors.Unavailable: 503,
}


def exc_path(error: type[Exception]) -> str:
    """How Nameko names an exception type in a remote error."""
    return f"{error.__module__}.{error.__name__}"


def _defaults(error: type[errors.ServiceError]) -> tuple[str, str]:
    return error.default_code, error.default_message


#: exception class path -> (HTTP status, fallback code, fallback message)
REMOTE_ERRORS: dict[str, tuple[int, str, str]] = {
    **{exc_path(error): (status, *_defaults(error)) for error, status in STATUS_OF.items()},
    "nameko.exceptions.MethodNotFound": (404, "NOT_FOUND", "请求的服务操作不存在"),
    "nameko.exceptions.IncorrectSignature": (422, "INVALID_ARGUMENTS", "请求参数与服务接口不符"),
    "nameko.exceptions.MalformedRequest": (400, "MALFORMED_REQUEST", "请求格式错误"),
}
UPSTREAM_ERROR = (502, "UPSTREAM_ERROR", "后台服务处理失败，请稍后再试")

HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "请求格式错误"),
    401: _defaults(errors.Unauthenticated),
    403: _defaults(errors.Forbidden),
    404: ("NOT_FOUND", "请求的地址不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    413: ("PAYLOAD_TOO_LARGE", "请求内容过大"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "请求内容类型不受支持"),
    429: _defaults(errors.TooManyRequests),
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict:
    body = {"code": code, "message": message, "request_id": current_request_id()}
    if details:
        body["details"] = details
    return body


def error_response(status: int, code: str, message: str,
                   details: dict[str, Any] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


def _details(value) -> dict:
    """A service's error details: JSON text (``credit_common.errors``), or a dict."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def remote_error_response(exc: RemoteError) -> JSONResponse:
    status, code, message = REMOTE_ERRORS.get(exc.exc_path, UPSTREAM_ERROR)
    details: dict[str, Any] = {}
    if exc.exc_path in REMOTE_ERRORS and exc.exc_path.startswith("credit_common."):
        args = list(exc.exc_args) + [None, None, None]
        code = args[0] if isinstance(args[0], str) and args[0] else code
        message = args[1] if isinstance(args[1], str) and args[1] else message
        details = _details(args[2])
    if status == 502:
        log.error("service failed", service=exc.service, exc_type=exc.exc_type, error=exc.value)
    return error_response(status, code, message, details)


def _validation_details(exc: RequestValidationError) -> tuple[bool, list[dict]]:
    malformed = False
    fields = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            malformed = True
        location = [str(p) for p in error.get("loc", ()) if p != "body"]
        fields.append({"field": ".".join(location), "type": error.get("type", "")})
    return malformed, fields


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def on_api_error(_request: Request, exc: ApiError):
        response = error_response(exc.status, exc.code, exc.message, exc.details)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        if exc.status == 429 and exc.details and "retry_after_s" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after_s"])
        return response

    @app.exception_handler(RemoteError)
    async def on_remote_error(_request: Request, exc: RemoteError):
        return remote_error_response(exc)

    @app.exception_handler(RpcTimeout)
    async def on_timeout(_request: Request, exc: RpcTimeout):
        log.warning("service timed out", service=exc.service, method=exc.method)
        return error_response(504, "SERVICE_TIMEOUT", "服务响应超时，请稍后再试",
                              {"service": exc.service})

    @app.exception_handler(ServiceUnavailable)
    async def on_unavailable(_request: Request, exc: ServiceUnavailable):
        log.warning("service unavailable", service=exc.service, reason=exc.reason)
        return error_response(503, *_defaults(errors.Unavailable), {"service": exc.service})

    @app.exception_handler(ValidationError)
    async def on_answer_off_contract(_request: Request, exc: ValidationError):
        # a service's answer the gateway reads (credit_common.contracts) is not of its shape
        log.error("service answer breaks its contract", model=exc.title,
                  fields=[".".join(str(p) for p in e["loc"]) for e in exc.errors()])
        return error_response(*UPSTREAM_ERROR)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(_request: Request, exc: RequestValidationError):
        malformed, fields = _validation_details(exc)
        if malformed:
            return error_response(400, "MALFORMED_JSON", "请求内容不是有效的 JSON")
        return error_response(STATUS_OF[errors.ValidationFailed],
                              *_defaults(errors.ValidationFailed), {"fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_request: Request, exc: StarletteHTTPException):
        code, message = HTTP_ERRORS.get(exc.status_code, ("HTTP_ERROR", "请求无法处理"))
        response = error_response(exc.status_code, code, message)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response
