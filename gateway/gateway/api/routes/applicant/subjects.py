"""The applicant's subjects: those of their phone, one confirmed (from the list or checked by
hand against the registry), and its records with whether each may be repaired."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

from credit_common.contracts.registry import (IdentityCheck, RegistrySubject, SubjectRecords,
                                              SubjectSnapshot)
from credit_common.contracts.vocabulary import DocumentType, RecordType
from gateway.api.bodies import Body
from gateway.api.deps import Applicant, Caller
from gateway.api.routing import PrefixRouter
from gateway.core.errors import ApiError
from gateway.core.security import Principal

router = PrefixRouter()


class SubjectChoice(Body):
    subject_code: str = Field(min_length=15, max_length=18, description="统一社会信用代码或注册号")
    legal_notice_version: int = Field(ge=1, description="已阅读确认的办理须知版本")
    name: str | None = Field(None, max_length=200, description="手工填写：市场主体名称")
    legal_rep_name: str | None = Field(None, max_length=50, description="手工填写：法定代表人（负责人）姓名")
    document_type: DocumentType | None = None
    document_number: str | None = Field(None, max_length=30)


async def _login_phone(call: Caller, applicant: Principal) -> str:
    """The applicant's login phone, from intake (the token does not carry it)."""
    return (await call("intake", "applicant", applicant_id=applicant.id))["phone"]


@router.get("/subjects", summary="我的市场主体：登录手机号为法定代表人或联络员手机号的主体")
async def my_subjects(applicant: Applicant, call: Caller):
    subjects = await call("disclosure", "subjects_by_phone",
                          phone=await _login_phone(call, applicant))
    return {"items": subjects, "next_cursor": None}


def subject_snapshot(subject: RegistrySubject) -> dict:
    """What intake keeps of the subject for the application (and the officer will see)."""
    return SubjectSnapshot.of(subject).model_dump(mode="json")


@router.post("/subjects", status_code=201,
             summary="确认办理主体：从“我的市场主体”中选择，或手工填写并与登记信息核对")
async def choose_subject(body: SubjectChoice, applicant: Applicant, call: Caller):
    code = body.subject_code.strip().upper()
    mine = [RegistrySubject.model_validate(s) for s in await call(
        "disclosure", "subjects_by_phone", phone=await _login_phone(call, applicant))]
    subject = next((s for s in mine if code in (s.uscc, s.registration_number)), None)
    method = "phone"
    if subject is None:
        manual = (body.name, body.legal_rep_name, body.document_type, body.document_number)
        if not all(manual):
            raise ApiError(422, "MANUAL_IDENTITY_REQUIRED",
                           "该主体不在您的名下，请填写主体名称、法定代表人姓名、证件类型和证件号码",
                           {"fields": ["name", "legal_rep_name", "document_type",
                                       "document_number"]})
        checked = IdentityCheck.model_validate(await call(
            "disclosure", "verify_identity", applicant_id=applicant.id, subject_code=code,
            name=body.name, legal_rep_name=body.legal_rep_name,
            document_type=body.document_type.value, document_number=body.document_number))
        if checked.outcome == "locked":
            raise ApiError(429, "IDENTITY_CHECK_LOCKED",
                           f"核对失败次数过多，请 {-(-checked.retry_after_s // 60)} 分钟后再试",
                           {"retry_after_s": checked.retry_after_s})
        if checked.outcome != "matched":
            raise ApiError(422, "IDENTITY_MISMATCH", "填写的信息与登记信息不一致，请核对后重试")
        subject = checked.subject
        method = "manual"
    bound = await call("intake", "bind_subject", applicant_id=applicant.id,
                       subject=subject_snapshot(subject), method=method,
                       legal_notice_version=body.legal_notice_version)
    return {"subject": bound, "method": method}


async def registry_records(call: Caller, code: str) -> list[dict]:
    found = SubjectRecords.model_validate(await call("disclosure", "lookup_subject", code=code))
    return [r.model_dump(mode="json") for r in found.records]


@router.get("/subjects/{code}/records", summary="主体的失信记录及可否申请修复")
async def records_with_eligibility(
    code: Annotated[str, Path(min_length=15, max_length=18)], applicant: Applicant, call: Caller,
    type: Annotated[RecordType | None, Query(description="记录类型")] = None,
):
    # the registry is public; intake refuses the answer unless the subject is confirmed
    records = await registry_records(call, code)
    items = await call("intake", "assess_records", applicant_id=applicant.id, code=code,
                       records=records, record_type=type.value if type else None)
    return {"items": items, "next_cursor": None}
