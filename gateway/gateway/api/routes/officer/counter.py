"""Counter applications (窗口代办): an officer files an application for a subject of their
district, with the applicant in front of them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import File, Form, Path, UploadFile
from pydantic import Field

from credit_common.contracts.registry import SubjectRecords, SubjectSnapshot
from credit_common.contracts.vocabulary import RecordType
from gateway.api.bodies import Body, Phone
from gateway.api.deps import Caller, Officer, Settings
from gateway.api.routes.applicant.subjects import subject_snapshot
from gateway.api.routing import PrefixRouter
from gateway.api.uploads import file_arguments
from gateway.core.errors import ApiError

router = PrefixRouter()


class CounterApplication(Body):
    subject_code: str = Field(min_length=15, max_length=18)
    record_type: RecordType
    record_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: Phone | None = None
    facts_and_reasons: str | None = Field(None, max_length=5000)


def _as_officer(officer) -> str:
    return f"officer:{officer.id}"


@router.post("/counter-applications", status_code=201,
             summary="窗口代为申请：为本单位记录的主体新建申请草稿（当面核验身份，无需电子签名）")
async def create_counter_application(body: CounterApplication, officer: Officer, call: Caller):
    found = await call("disclosure", "lookup_subject", code=body.subject_code,
                       viewer_unit_code=officer.unit_code)
    registry = SubjectRecords.model_validate(found)
    if registry.subject.personal_data_masked:
        raise ApiError(403, "SUBJECT_NOT_OF_MY_DISTRICT", "只能为本辖区的市场主体代为申请")
    form = body.model_dump(mode="json", include={"contact_name", "contact_phone",
                                                 "facts_and_reasons"})
    return await call("intake", "create_counter_draft", officer_id=officer.id,
                      officer_unit=officer.unit_code, subject=subject_snapshot(registry.subject),
                      record_type=body.record_type.value,
                      record_ids=[str(i) for i in body.record_ids], form=form,
                      records=found["records"])


@router.get("/counter-applications/{application_id}", summary="窗口代办申请详情")
async def counter_application(application_id: Annotated[str, Path(max_length=36)],
                              officer: Officer, call: Caller):
    return await call("intake", "application_detail", applicant_id=_as_officer(officer),
                      application_id=application_id)


class CounterForm(Body):
    contact_name: str | None = Field(None, max_length=50, description="联系人")
    contact_phone: Phone | None = Field(None, description="联系电话")
    facts_and_reasons: str | None = Field(None, max_length=5000, description="事实和理由")
    version: int = Field(ge=1, description="当前申请版本号（乐观锁）")


@router.patch("/counter-applications/{application_id}",
              summary="窗口代办：修改联系人、联系电话、事实和理由（草稿）")
async def change_counter_application(application_id: Annotated[str, Path(max_length=36)],
                                     body: CounterForm, officer: Officer, call: Caller):
    return await call("intake", "update_draft", applicant_id=_as_officer(officer),
                      application_id=application_id,
                      form=body.model_dump(mode="json", exclude={"version"}),
                      version=body.version)


@router.post("/counter-applications/{application_id}/materials", status_code=201,
             summary="窗口代办：上传申请人提交的材料")
async def counter_material(application_id: Annotated[str, Path(max_length=36)],
                           officer: Officer, call: Caller, settings: Settings,
                           kind: Annotated[str, Form(max_length=40)],
                           file: Annotated[UploadFile, File()]):
    return await call("intake", "add_material", applicant_id=_as_officer(officer),
                      application_id=application_id, kind=kind, timeout_s=30,
                      **await file_arguments(file, settings.max_upload_bytes))


@router.post("/counter-applications/{application_id}/submit", summary="窗口代办：提交申请")
async def submit_counter_application(application_id: Annotated[str, Path(max_length=36)],
                                     officer: Officer, call: Caller):
    detail = await call("intake", "application_detail", applicant_id=_as_officer(officer),
                        application_id=application_id)
    found = await call("disclosure", "lookup_subject",
                       code=SubjectSnapshot.model_validate(detail["subject"]).code)
    return await call("intake", "submit", applicant_id=_as_officer(officer),
                      application_id=application_id, records=found["records"], timeout_s=15)
