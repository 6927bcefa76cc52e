"""Submitting an application, and withdrawing it before a decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header
from pydantic import Field

from credit_common.contracts.registry import SubjectSnapshot
from gateway.api.bodies import Body
from gateway.api.deps import Applicant, Caller
from gateway.api.routes.applicant.params import ApplicationId
from gateway.api.routes.applicant.subjects import registry_records
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


class Withdrawal(Body):
    reason: str | None = Field(None, max_length=500)


@router.post("/applications/{application_id}/submit", summary="提交申请，取得受理编号")
async def submit(application_id: ApplicationId, applicant: Applicant, call: Caller,
                 idempotency_key: IdempotencyKey = None):
    detail = await call("intake", "application_detail", applicant_id=applicant.id,
                        application_id=application_id)
    records = await registry_records(call, SubjectSnapshot.model_validate(detail["subject"]).code)
    # submissions of one district queue on its daily number: allow them longer than a read
    return await call("intake", "submit", applicant_id=applicant.id,
                      application_id=application_id, records=records,
                      idempotency_key=idempotency_key, timeout_s=15)


@router.post("/applications/{application_id}/withdraw", summary="撤回申请（作出决定前）")
async def withdraw(application_id: ApplicationId, body: Withdrawal, applicant: Applicant,
                   call: Caller):
    return await call("intake", "withdraw", applicant_id=applicant.id,
                      application_id=application_id, reason=body.reason)
