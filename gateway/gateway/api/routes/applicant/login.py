"""The applicant's login: a code by SMS, tokens, logout, and who is logged in."""

from __future__ import annotations

import uuid

from fastapi import Request, Response

from gateway.api.bodies import CodeRequest, LoginRequest, RefreshRequest
from gateway.api.deps import Applicant, Caller, Settings
from gateway.api.routing import PrefixRouter
from gateway.core.security import Principal, login_answer

router = PrefixRouter()


def _tokens(settings, session: dict) -> dict:
    principal = Principal(id=session["applicant_id"], role="applicant",
                          session_id=session["session_id"])
    return login_answer(settings.jwt_secret, settings.access_token_ttl_s, principal, session)


async def send_code(call: Caller, request: Request, phone: str, purpose: str,
                     template: str) -> dict:
    issued = await call("intake", "request_login_code", phone=phone, purpose=purpose,
                        requester_ip=request.client.host if request.client else None)
    await call("notification", "send_sms", phone=phone, template=template,
               params={"code": issued["code"], "minutes": issued["expires_in"] // 60},
               dedupe_key=f"{purpose}:{phone}:{uuid.uuid4().hex}")
    return {"sent": True, "expires_in": issued["expires_in"]}


@router.post("/auth/code", status_code=202, summary="获取登录验证码（短信）")
async def request_code(body: CodeRequest, request: Request, call: Caller):
    return await send_code(call, request, body.phone, "login", "login_code")


@router.post("/auth/login", summary="手机号 + 验证码登录")
async def log_in(body: LoginRequest, call: Caller, settings: Settings):
    session = await call("intake", "log_in", phone=body.phone, code=body.code)
    return _tokens(settings, session)


@router.post("/auth/refresh", summary="用 refresh_token 换取新的令牌（旧的随即失效）")
async def refresh(body: RefreshRequest, call: Caller, settings: Settings):
    session = await call("intake", "refresh_session", refresh_token=body.refresh_token)
    return _tokens(settings, session)


@router.post("/auth/logout", status_code=204, summary="退出登录（令牌立即失效）")
async def log_out(applicant: Applicant, request: Request, call: Caller):
    await call("intake", "log_out", session_id=applicant.session_id)
    request.app.state.sessions.forget(applicant.session_id)
    return Response(status_code=204)


@router.get("/me", summary="当前申请人：登录手机号（及其脱敏形式）",
            description="令牌中不含手机号；页面需要时向此处取。")
async def me(applicant: Applicant, call: Caller):
    found = await call("intake", "applicant", applicant_id=applicant.id)
    return {"id": found["id"], "phone": found["phone"], "phone_masked": found["phone_masked"]}
