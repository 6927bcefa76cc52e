"""Temporary repair during a bankruptcy reorganisation, for the administrator the court
appointed (破产管理人). The administrator logs in as an applicant (phone and SMS code) and
confirms the subject as any applicant does (``POST /applicant/subjects``: the subject's
liaison phone, or the registry's identity details); the application then names the
administrator and the ruling, and intake checks the ruling names that subject.

Draft here, then the application routes every application uses: materials (the rulings as
PDF), ``PATCH``, ``/submit``, the detail and its timeline. After the approval the court's
ruling on the plan is filed here too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, File, Form, UploadFile
from pydantic import Field

from credit_common.contracts.vocabulary import CourtRulingKind
from gateway.api.bodies import Body, Phone
from gateway.api.deps import Applicant, Caller, Settings
from gateway.api.routes.applicant.params import ApplicationId
from gateway.api.routes.applicant.subjects import registry_records
from gateway.api.routing import PrefixRouter
from gateway.api.uploads import file_arguments

router = PrefixRouter()


class AcceptingRuling(Body):
    """受理重整申请的民事裁定书, as the administrator reads it."""

    court: str = Field(min_length=2, max_length=100, description="作出裁定的人民法院")
    case_number: str = Field(min_length=4, max_length=60, description="案号，如（2026）粤01破12号")
    ruling_date: date = Field(description="裁定日期（不得晚于今天）")
    debtor_name: str = Field(min_length=1, max_length=200, description="裁定书载明的债务人名称")
    debtor_code: str = Field(min_length=15, max_length=18,
                             description="裁定书载明的债务人统一社会信用代码或注册号")


class NewReorganisation(Body):
    subject_code: str = Field(min_length=15, max_length=18,
                              description="重整企业（已确认办理主体）的统一社会信用代码或注册号")
    administrator_name: str = Field(min_length=2, max_length=200,
                                    description="人民法院指定的管理人名称")
    contact_name: str | None = Field(None, max_length=50, description="管理人联系人")
    contact_phone: Phone | None = None
    ruling: AcceptingRuling


#: the rulings filed after the approval
FollowUpKind = Literal[CourtRulingKind.plan_confirmed.value,
                       CourtRulingKind.reorganisation_terminated.value]


@dataclass
class FollowUpRuling:
    """A ruling on the plan as filed: which ruling, by which court, and its PDF."""

    kind: str
    court: str
    case_number: str
    ruling_date: date
    file: UploadFile

    async def arguments(self, max_bytes: int) -> dict:
        """What intake is called with: the ruling, the file's name and its content."""
        return {"ruling": {"kind": self.kind, "court": self.court,
                           "case_number": self.case_number,
                           "ruling_date": self.ruling_date.isoformat()},
                **await file_arguments(self.file, max_bytes)}


def follow_up_ruling_form(kind: Annotated[FollowUpKind, Form()],
                          court: Annotated[str, Form(min_length=2, max_length=100)],
                          case_number: Annotated[str, Form(min_length=4, max_length=60)],
                          ruling_date: Annotated[date, Form()],
                          file: Annotated[UploadFile, File()]) -> FollowUpRuling:
    return FollowUpRuling(kind, court, case_number, ruling_date, file)


FollowUpRulingForm = Annotated[FollowUpRuling, Depends(follow_up_ruling_form)]


@router.post("/reorganisations", status_code=201,
             summary="破产管理人申请重整期间临时信用修复：填写受理重整申请的裁定，生成申请草稿",
             description="申请包含该主体所有适用临时修复的记录（`eligibility` 逐条说明）。随后按普通申请"
                         "上传材料（裁定书、指定管理人决定书为 PDF）并提交。")
async def create_reorganisation(body: NewReorganisation, applicant: Applicant, call: Caller):
    await call("intake", "bound_subject", applicant_id=applicant.id, code=body.subject_code)
    records = await registry_records(call, body.subject_code)
    return await call("intake", "create_reorganisation_draft", applicant_id=applicant.id,
                      subject_code=body.subject_code,
                      ruling={"kind": CourtRulingKind.reorganisation_accepted.value,
                              **body.ruling.model_dump(mode="json")},
                      administrator_name=body.administrator_name,
                      form=body.model_dump(mode="json",
                                           include={"contact_name", "contact_phone"}),
                      records=records)


@router.post("/reorganisations/{application_id}/rulings",
             summary="提交人民法院批准重整计划或终止重整程序（宣告破产）的民事裁定书（PDF）",
             description="批准重整计划的，临时修复转为信用修复；终止重整程序的，相关记录恢复公示。"
                         "结果以办理进度和短信告知。")
async def file_ruling(application_id: ApplicationId, applicant: Applicant, call: Caller,
                      settings: Settings, form: FollowUpRulingForm):
    return await call("intake", "file_reorganisation_ruling", applicant_id=applicant.id,
                      application_id=application_id,
                      **await form.arguments(settings.max_upload_bytes), timeout_s=30)
