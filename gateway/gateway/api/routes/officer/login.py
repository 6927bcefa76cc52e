"""The officer's login: a code by SMS (sent only to an officer's phone), tokens, logout."""

from __future__ import annotations

from fastapi import Request, Response

from gateway.api.bodies import CodeRequest, LoginRequest, RefreshRequest
from gateway.api.deps import Caller, Officer, Settings
from gateway.api.routing import PrefixRouter
from gateway.core.security import Principal, login_answer

router = PrefixRouter()


def _tokens(settings, session: dict) -> dict:
    officer = session["officer"]
    principal = Principal(id=officer["id"], role="officer", session_id=session["session_id"],
                          unit_code=officer["unit_code"],
                          roles=tuple(officer["roles"]))
    return {**login_answer(settings.jwt_secret, settings.access_token_ttl_s, principal, session),
            "officer": officer}


@router.post("/auth/code", status_code=202, summary="获取登录验证码（短信）")
async def request_code(body: CodeRequest, request: Request, call: Caller):
    issued = await call("workflow", "request_login_code", phone=body.phone,
                        requester_ip=request.client.host if request.client else None)
    if issued["code"]:  # only an officer's phone gets a text; the answer is the same
        await call("notification", "send_sms", phone=body.phone, template="login_code",
                   params={"code": issued["code"], "minutes": issued["expires_in"] // 60})
    return {"sent": True, "expires_in": issued["expires_in"]}


@router.post("/auth/login", summary="手机号 + 验证码登录")
async def log_in(body: LoginRequest, call: Caller, settings: Settings):
    return _tokens(settings, await call("workflow", "log_in", phone=body.phone, code=body.code))


@router.post("/auth/refresh", summary="用 refresh_token 换取新的令牌")
async def refresh(body: RefreshRequest, call: Caller, settings: Settings):
    return _tokens(settings, await call("workflow", "refresh_session",
                                        refresh_token=body.refresh_token))


@router.post("/auth/logout", status_code=204, summary="退出登录")
async def log_out(officer: Officer, request: Request, call: Caller):
    await call("workflow", "log_out", session_id=officer.session_id)
    request.app.state.sessions.forget(officer.session_id)
    return Response(status_code=204)


@router.get("/me", summary="当前办理人员")
async def me(officer: Officer, call: Caller):
    return await call("workflow", "me", officer_id=officer.id)
