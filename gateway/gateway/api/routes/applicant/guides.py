"""The guides (办事指南) and the legal notice (办理须知), and their acknowledgement."""

from __future__ import annotations

from pydantic import Field

from credit_common.contracts.vocabulary import RecordType
from gateway.api.bodies import Body
from gateway.api.deps import Applicant, Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


class Acknowledgement(Body):
    version: int = Field(ge=1)


@router.get("/guides/{record_type}", summary="办事指南（当前版本）")
async def guide(record_type: RecordType, applicant: Applicant, call: Caller):
    return await call("intake", "guide", record_type=record_type.value)


@router.post("/guides/{record_type}/acknowledgement", status_code=201,
             summary="确认已阅读办事指南（须为当前版本）")
async def acknowledge_guide(record_type: RecordType, body: Acknowledgement,
                            applicant: Applicant, call: Caller):
    return await call("intake", "acknowledge_guide", applicant_id=applicant.id,
                      record_type=record_type.value, version=body.version)


@router.get("/legal-notice", summary="办理须知（当前版本）")
async def legal_notice(applicant: Applicant, call: Caller):
    return await call("intake", "legal_notice")
