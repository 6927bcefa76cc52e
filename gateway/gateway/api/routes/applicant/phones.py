"""Former phones: proving one adds the applications filed under it to "my applications"."""

from __future__ import annotations

from fastapi import Request
from pydantic import Field

from gateway.api.bodies import Body, CodeRequest, Phone
from gateway.api.deps import Applicant, Caller
from gateway.api.routes.applicant.login import send_code
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


class PhoneProof(Body):
    phone: Phone
    code: str = Field(min_length=1, max_length=12)


@router.post("/phones/code", status_code=202, summary="向曾用手机号发送验证码（用于查询其名下申请）")
async def request_phone_code(body: CodeRequest, applicant: Applicant, request: Request,
                             call: Caller):
    return await send_code(call, request, body.phone, "prove_phone", "prove_phone")


@router.post("/phones", summary="验证曾用手机号，其名下的申请加入“我的申请”")
async def prove_phone(body: PhoneProof, applicant: Applicant, call: Caller):
    return await call("intake", "prove_phone", applicant_id=applicant.id, phone=body.phone,
                      code=body.code)
