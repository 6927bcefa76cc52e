"""The applicant's API: login by SMS code, guides, identity, records with eligibility,
drafts, materials, signing, submission, progress and withdrawal.

The gateway composes services here (the registry's data comes from disclosure, the
application and its rules from intake, the SMS from notification); every ownership and rule
check happens in the service that owns the data."""

from __future__ import annotations

import base64
import io
import uuid
from typing import Annotated, Literal

import segno
from fastapi import File, Form, Header, Path, Query, Request, Response, UploadFile
from pydantic import Field

from credit_common.contracts.registry import (IdentityCheck, RegistrySubject, SubjectRecords,
                                              SubjectSnapshot)
from credit_common.contracts.vocabulary import DocumentType, RecordType
from gateway.api.bodies import Body, CodeRequest, LoginRequest, Phone, RefreshRequest
from gateway.api.deps import Applicant, Caller, Settings
from gateway.api.downloads import download
from gateway.api.routing import PrefixRouter
from gateway.core.errors import ApiError
from gateway.core.security import Principal, login_answer
from gateway.rpc.client import RemoteError

router = PrefixRouter(prefix="/api/v1/applicant", tags=["申请人"])
signing_router = PrefixRouter(prefix="/api/v1/public/signatures", tags=["法定代表人签名"])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]
ApplicationId = Annotated[str, Path(max_length=36)]


class PhoneProof(Body):
    phone: Phone
    code: str = Field(min_length=1, max_length=12)


class Acknowledgement(Body):
    version: int = Field(ge=1)


class SubjectChoice(Body):
    subject_code: str = Field(min_length=15, max_length=18, description="统一社会信用代码或注册号")
    legal_notice_version: int = Field(ge=1, description="已阅读确认的办理须知版本")
    name: str | None = Field(None, max_length=200, description="手工填写：市场主体名称")
    legal_rep_name: str | None = Field(None, max_length=50, description="手工填写：法定代表人（负责人）姓名")
    document_type: DocumentType | None = None
    document_number: str | None = Field(None, max_length=30)


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


class Withdrawal(Body):
    reason: str | None = Field(None, max_length=500)


class Signing(Body):
    signer_name: str = Field(min_length=1, max_length=50)
    agree: Literal[True] = Field(description="确认已阅读申请内容并同意签名")


def _tokens(settings, session: dict) -> dict:
    principal = Principal(id=session["applicant_id"], role="applicant",
                          session_id=session["session_id"])
    return login_answer(settings.jwt_secret, settings.access_token_ttl_s, principal, session)


async def _send_code(call: Caller, request: Request, phone: str, purpose: str,
                     template: str) -> dict:
    issued = await call("intake", "request_login_code", phone=phone, purpose=purpose,
                        requester_ip=request.client.host if request.client else None)
    await call("notification", "send_sms", phone=phone, template=template,
               params={"code": issued["code"], "minutes": issued["expires_in"] // 60},
               dedupe_key=f"{purpose}:{phone}:{uuid.uuid4().hex}")
    return {"sent": True, "expires_in": issued["expires_in"]}


# -- login ------------------------------------------------------------------------------------

@router.post("/auth/code", status_code=202, summary="获取登录验证码（短信）")
async def request_code(body: CodeRequest, request: Request, call: Caller):
    return await _send_code(call, request, body.phone, "login", "login_code")


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


async def _login_phone(call: Caller, applicant: Principal) -> str:
    """The applicant's login phone, from intake (the token does not carry it)."""
    return (await call("intake", "applicant", applicant_id=applicant.id))["phone"]


@router.post("/phones/code", status_code=202, summary="向曾用手机号发送验证码（用于查询其名下申请）")
async def request_phone_code(body: CodeRequest, applicant: Applicant, request: Request,
                             call: Caller):
    return await _send_code(call, request, body.phone, "prove_phone", "prove_phone")


@router.post("/phones", summary="验证曾用手机号，其名下的申请加入“我的申请”")
async def prove_phone(body: PhoneProof, applicant: Applicant, call: Caller):
    return await call("intake", "prove_phone", applicant_id=applicant.id, phone=body.phone,
                      code=body.code)


# -- guides and identity -----------------------------------------------------------------------

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


async def _registry_records(call: Caller, code: str) -> list[dict]:
    found = SubjectRecords.model_validate(await call("disclosure", "lookup_subject", code=code))
    return [r.model_dump(mode="json") for r in found.records]


@router.get("/subjects/{code}/records", summary="主体的失信记录及可否申请修复")
async def records_with_eligibility(
    code: Annotated[str, Path(min_length=15, max_length=18)], applicant: Applicant, call: Caller,
    type: Annotated[RecordType | None, Query(description="记录类型")] = None,
):
    # the registry is public; intake refuses the answer unless the subject is confirmed
    records = await _registry_records(call, code)
    items = await call("intake", "assess_records", applicant_id=applicant.id, code=code,
                       records=records, record_type=type.value if type else None)
    return {"items": items, "next_cursor": None}


# -- applications -------------------------------------------------------------------------------

@router.post("/applications", status_code=201, summary="新建申请草稿（选择记录、填写申请信息）")
async def create_application(body: NewApplication, applicant: Applicant, call: Caller):
    await call("intake", "bound_subject", applicant_id=applicant.id, code=body.subject_code)
    records = await _registry_records(call, body.subject_code)
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


@router.post("/applications/{application_id}/materials", status_code=201,
             summary="上传材料（PDF/JPEG/PNG，按文件内容判断类型）")
async def upload_material(application_id: ApplicationId, applicant: Applicant, call: Caller,
                          settings: Settings, kind: Annotated[str, Form(max_length=40)],
                          file: Annotated[UploadFile, File()]):
    content = await file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise ApiError(422, "FILE_TOO_LARGE",
                       f"单个文件不能超过 {settings.max_upload_bytes // (1024 * 1024)} MB",
                       {"field": "file", "max_bytes": settings.max_upload_bytes})
    return await call("intake", "add_material", applicant_id=applicant.id,
                      application_id=application_id, kind=kind,
                      file_name=file.filename or "", timeout_s=30,
                      content_b64=base64.b64encode(content).decode())


@router.get("/applications/{application_id}/materials/{material_id}", summary="下载材料")
async def download_material(application_id: ApplicationId,
                            material_id: Annotated[str, Path(max_length=36)],
                            applicant: Applicant, call: Caller):
    material = await call("intake", "material_content", applicant_id=applicant.id,
                          application_id=application_id, material_id=material_id, timeout_s=30)
    return download(material)


@router.delete("/applications/{application_id}/materials/{material_id}", status_code=204,
               summary="删除材料")
async def remove_material(application_id: ApplicationId,
                          material_id: Annotated[str, Path(max_length=36)],
                          applicant: Applicant, call: Caller):
    await call("intake", "remove_material", applicant_id=applicant.id,
               application_id=application_id, material_id=material_id)
    return Response(status_code=204)


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


@router.post("/applications/{application_id}/submit", summary="提交申请，取得受理编号")
async def submit(application_id: ApplicationId, applicant: Applicant, call: Caller,
                 idempotency_key: IdempotencyKey = None):
    detail = await call("intake", "application_detail", applicant_id=applicant.id,
                        application_id=application_id)
    records = await _registry_records(call, SubjectSnapshot.model_validate(detail["subject"]).code)
    # submissions of one district queue on its daily number: allow them longer than a read
    return await call("intake", "submit", applicant_id=applicant.id,
                      application_id=application_id, records=records,
                      idempotency_key=idempotency_key, timeout_s=15)


@router.post("/applications/{application_id}/withdraw", summary="撤回申请（作出决定前）")
async def withdraw(application_id: ApplicationId, body: Withdrawal, applicant: Applicant,
                   call: Caller):
    return await call("intake", "withdraw", applicant_id=applicant.id,
                      application_id=application_id, reason=body.reason)


@router.get("/applications/{application_id}/documents",
            summary="申请的官方文书（受理通知书、决定书等）")
async def documents(application_id: ApplicationId, applicant: Applicant, call: Caller):
    detail = await call("intake", "application_detail", applicant_id=applicant.id,
                        application_id=application_id)
    return {"items": await call("workflow", "documents_of_application",
                                application_id=detail["id"]), "next_cursor": None}


@router.get("/applications/{application_id}/documents/{document_id}", summary="下载文书 PDF",
            response_class=Response)
async def download_document(application_id: ApplicationId,
                            document_id: Annotated[str, Path(max_length=36)],
                            applicant: Applicant, call: Caller):
    detail = await call("intake", "application_detail", applicant_id=applicant.id,
                        application_id=application_id)
    document = await call("workflow", "document_pdf", document_id=document_id,
                          application_id=detail["id"], timeout_s=15)
    return download(document, "application/pdf")


@router.get("/inbox", summary="站内消息：申请状态变化")
async def inbox(applicant: Applicant, call: Caller, unread_only: bool = False,
                limit: Annotated[int, Query(ge=1, le=100)] = 20):
    return await call("notification", "inbox", applicant_id=applicant.id,
                      unread_only=unread_only, limit=limit)


@router.post("/inbox/{message_id}/read", summary="标记消息为已读")
async def mark_read(message_id: Annotated[str, Path(max_length=36)], applicant: Applicant,
                    call: Caller):
    return await call("notification", "mark_read", message_id=message_id,
                      applicant_id=applicant.id)


# -- the legal representative's signing link (no login: the link is the credential) -----------

@signing_router.get("/{token}", summary="签名链接：查看待签名的申请")
async def signature_request(token: Annotated[str, Path(min_length=16, max_length=64)],
                            call: Caller):
    return await call("intake", "signature_request", token=token)


@signing_router.post("/{token}", summary="签名链接：法定代表人确认签名")
async def sign(token: Annotated[str, Path(min_length=16, max_length=64)], body: Signing,
               call: Caller):
    return await call("intake", "sign", token=token, signer_name=body.signer_name)
