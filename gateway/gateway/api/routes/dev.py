"""Developer routes (``DEV_MODE=true`` only): drive the foundation's one real flow by hand.
The applicant and officer APIs replace them as the domain arrives."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Header, Query

from credit_common.contracts.commands import SubmitApplication
from gateway.api.deps import Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter(prefix="/api/v1/dev", tags=["开发调试"])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


@router.post("/applications", status_code=201, summary="提交一条最简信用修复申请")
async def submit_application(application: SubmitApplication, call: Caller,
                             idempotency_key: IdempotencyKey = None):
    # Without a key of the caller's, one is made here: if the broker redelivers the request
    # to another intake instance, the application is still saved once.
    key = idempotency_key or f"gateway-{uuid.uuid4().hex}"
    return await call("intake", "submit_application",
                      application=application.model_dump(mode="json"), idempotency_key=key)


@router.get("/applications/{application_id}", summary="查询申请")
async def get_application(application_id: str, call: Caller):
    return await call("intake", "get_application", application_id=application_id)


@router.get("/cases/{acceptance_number}", summary="按受理编号查询案件")
async def get_case(acceptance_number: str, call: Caller):
    return await call("workflow", "get_case", acceptance_number=acceptance_number)


@router.get("/sms", summary="开发短信接收箱：该手机号收到的短信（最新在前）")
async def dev_sms(call: Caller, phone: Annotated[str, Query(pattern=r"^1[3-9]\d{9}$")]):
    return {"items": await call("notification", "dev_sms", phone=phone)}
