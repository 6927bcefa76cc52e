"""Applications: a new draft, the applicant's list, one application with its deadlines, the
preview, changes to the form."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Response
from pydantic import Field

from credit_common.contracts.vocabulary import RecordType
from gateway.api.bodies import Body, Phone
from gateway.api.deps import Applicant, Caller
from gateway.api.downloads import download
from gateway.api.routes.applicant.params import ApplicationId
from gateway.api.routes.applicant.subjects import registry_records
from gateway.api.routing import PrefixRouter
from gateway.rpc.client import RemoteError

router = PrefixRouter()


class ApplicationForm(Body):
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: Phone | None = None
    facts_and_reasons: str | None = Field(None, max_length=5000, description="事实和理由")


class NewApplication(ApplicationForm):
    subject_code: str = Field(min_length=15, max_length=18)
    record_type: RecordType
    record_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)


class FormChange(ApplicationForm):
    version: int = Field(ge=1, description="当前申请版本号（乐观锁）")


@router.post("/applications", status_code=201, summary="新建申请草稿（选择记录、填写申请信息）")
async def create_application(body: NewApplication, applicant: Applicant, call: Caller):
    await call("intake", "bound_subject", applicant_id=applicant.id, code=body.subject_code)
    records = await registry_records(call, body.subject_code)
    form = body.model_dump(mode="json", include={"contact_name", "contact_phone",
                                                 "facts_and_reasons"})
    return await call("intake", "create_draft", applicant_id=applicant.id,
                      subject_code=body.subject_code, record_type=body.record_type.value,
                      record_ids=[str(i) for i in body.record_ids], form=form, records=records)


@router.get("/applications", summary="我的申请（含已验证的曾用手机号名下的申请）")
async def my_applications(applicant: Applicant, call: Caller,
                          limit: Annotated[int, Query(ge=1, le=100)] = 20,
                          cursor: Annotated[str | None, Query(max_length=40)] = None):
    return await call("intake", "my_applications", applicant_id=applicant.id, limit=limit,
                      cursor=cursor)


@router.get("/applications/{application_id}", summary="申请详情、所需材料、签名状态与办理进度",
            description="已提交的申请另有 `deadlines`：受理时限 `accept_due` 与办理时限 "
                        "`decide_due`（工作日计算；案件建立前为 null）。")
async def application_detail(application_id: ApplicationId, applicant: Applicant,
                             call: Caller):
    detail = await call("intake", "application_detail", applicant_id=applicant.id,
                        application_id=application_id)
    detail["deadlines"] = await _deadlines(call, detail.get("acceptance_number"))
    return detail


async def _deadlines(call: Caller, acceptance_number: str | None) -> dict | None:
    """The working-day deadlines workflow set when it opened the case; the case is opened
    just after submission, so for a moment there is none yet."""
    if not acceptance_number:
        return None
    try:
        case = await call("workflow", "get_case", acceptance_number=acceptance_number)
    except RemoteError as error:
        if error.exc_path == "credit_common.errors.NotFound":
            return None
        raise
    return {"accept_due": case.get("accept_due"), "decide_due": case.get("decide_due")}


@router.get("/applications/{application_id}/preview", summary="预览（办理人员将看到的申请内容）")
async def preview(application_id: ApplicationId, applicant: Applicant, call: Caller):
    return await call("intake", "application_detail", applicant_id=applicant.id,
                      application_id=application_id)


@router.get("/applications/{application_id}/preview.pdf", summary="预览 PDF",
            response_class=Response)
async def preview_pdf(application_id: ApplicationId, applicant: Applicant, call: Caller):
    document = await call("intake", "preview_pdf", applicant_id=applicant.id,
                          application_id=application_id, timeout_s=15)
    return download(document, "application/pdf")


@router.patch("/applications/{application_id}", summary="修改申请信息（草稿或退回补正时）")
async def change_application(application_id: ApplicationId, body: FormChange,
                             applicant: Applicant, call: Caller):
    form = body.model_dump(mode="json", exclude={"version"})
    return await call("intake", "update_draft", applicant_id=applicant.id,
                      application_id=application_id, form=form, version=body.version)
