"""Signing an application: the enterprise's seal, and the legal representative's signature
through a one-time link (no login there: the link is the credential)."""

from __future__ import annotations

import io
from typing import Annotated, Literal

import segno
from fastapi import Path
from pydantic import Field

from gateway.api.bodies import Body
from gateway.api.deps import Applicant, Caller, Settings
from gateway.api.routes.applicant.params import ApplicationId
from gateway.api.routing import PrefixRouter

router = PrefixRouter()
#: the signing link's own routes, under ``/api/v1/public/signatures``
link_router = PrefixRouter()


class Signing(Body):
    signer_name: str = Field(min_length=1, max_length=50)
    agree: Literal[True] = Field(description="确认已阅读申请内容并同意签名")


@router.post("/applications/{application_id}/seal", summary="企业电子签章（对当前申请内容）")
async def seal(application_id: ApplicationId, applicant: Applicant, call: Caller):
    return await call("intake", "seal", applicant_id=applicant.id,
                      application_id=application_id)


@router.post("/applications/{application_id}/signature-link", status_code=201,
             summary="生成法定代表人签名链接及二维码（24 小时内有效，仅可使用一次）")
async def signature_link(application_id: ApplicationId, applicant: Applicant, call: Caller,
                         settings: Settings):
    link = await call("intake", "signature_link", applicant_id=applicant.id,
                      application_id=application_id)
    base = settings.public_base_url.rstrip("/")
    # the QR code opens the signing page; the page reads and signs through api_url
    url = f"{base}/sign/{link['token']}"
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=4)
    return {"url": url, "api_url": f"{base}/api/v1/public/signatures/{link['token']}",
            "expires_at": link["expires_at"], "qr_svg": svg.getvalue().decode()}


@link_router.get("/{token}", summary="签名链接：查看待签名的申请")
async def signature_request(token: Annotated[str, Path(min_length=16, max_length=64)],
                            call: Caller):
    return await call("intake", "signature_request", token=token)


@link_router.post("/{token}", summary="签名链接：法定代表人确认签名")
async def sign(token: Annotated[str, Path(min_length=16, max_length=64)], body: Signing,
               call: Caller):
    return await call("intake", "sign", token=token, signer_name=body.signer_name)
