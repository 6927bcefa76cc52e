"""The officer's API: login, todo list, case page with the application, actions, the
per-type record search, statistics; and the administrator's officers, rules and calendar.

Workflow decides what an officer may see and do (unit, roles, scope); the gateway asks it
first and only then fetches the application from intake for the case page."""

from __future__ import annotations

import base64
import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import File, Form, Path, Query, Request, Response, UploadFile
from pydantic import Field

from credit_common.contracts.queries import RecordSearch
from credit_common.contracts.vocabulary import RecordType
from gateway.api.bodies import Body, CodeRequest, LoginRequest, Phone, RefreshRequest
from gateway.api.deps import Administrator, Caller, Officer, Settings
from gateway.api.downloads import download
from gateway.api.routes.applicant import subject_snapshot
from gateway.api.routing import PrefixRouter
from gateway.core.errors import ApiError
from gateway.core.security import Principal, login_answer

router = PrefixRouter(prefix="/api/v1/officer", tags=["办理人员"])
admin_router = PrefixRouter(prefix="/api/v1/admin", tags=["系统管理"])

Number = Annotated[str, Path(min_length=10, max_length=40, description="受理编号")]
#: section_head: the district credit section's head, who alone takes 复审
Role = Literal["handler", "reviewer", "section_head", "approver", "administrator"]


class CaseAction(Body):
    action: Literal["accept", "not_accept", "return", "transfer", "verify", "review",
                    "first_review", "second_review", "approve", "reject", "close", "revoke"]
    version: int = Field(ge=1, description="案件当前版本号（乐观锁）")
    opinion: str | None = Field(None, max_length=2000, description="意见、理由或需补正的内容")
    target_unit_code: str | None = Field(None, pattern=r"^\d{6,8}$", description="转办接收单位")


class NewOfficer(Body):
    phone: Phone
    name: str = Field(min_length=1, max_length=50)
    unit_code: str = Field(pattern=r"^\d{6,8}$")
    roles: list[Role] = Field(min_length=1)


class OfficerChange(Body):
    name: str | None = Field(None, min_length=1, max_length=50)
    unit_code: str | None = Field(None, pattern=r"^\d{6,8}$")
    roles: list[Role] | None = None
    active: bool | None = None


class RuleVersion(Body):
    version: str = Field(min_length=1, max_length=40)
    effective_from: date
    source: str = Field(min_length=1, max_length=500, description="依据（文件名称、文号）")
    rules: dict


class CalendarOverride(Body):
    day: date
    is_working: bool
    note: str = Field(min_length=1, max_length=200)


def _tokens(settings, session: dict) -> dict:
    officer = session["officer"]
    principal = Principal(id=officer["id"], role="officer", session_id=session["session_id"],
                          unit_code=officer["unit_code"],
                          roles=tuple(officer["roles"]))
    return {**login_answer(settings.jwt_secret, settings.access_token_ttl_s, principal, session),
            "officer": officer}


# -- login ------------------------------------------------------------------------------------

@router.post("/auth/code", status_code=202, summary="获取登录验证码（短信）")
async def request_code(body: CodeRequest, request: Request, call: Caller):
    issued = await call("workflow", "request_login_code", phone=body.phone,
                        requester_ip=request.client.host if request.client else None)
    if issued["code"]:  # only an officer's phone gets a text; the answer is the same
        await call("notification", "send_sms", phone=body.phone, template="login_code",
                   params={"code": issued["code"], "minutes": issued["expires_in"] // 60})
    return {"sent": True, "expires_in": issued["expires_in"]}


@router.post("/auth/login", summary="手机号 + 验证码登录")
async def log_in(body: LoginRequest, call: Caller, settings: Settings):
    return _tokens(settings, await call("workflow", "log_in", phone=body.phone, code=body.code))


@router.post("/auth/refresh", summary="用 refresh_token 换取新的令牌")
async def refresh(body: RefreshRequest, call: Caller, settings: Settings):
    return _tokens(settings, await call("workflow", "refresh_session",
                                        refresh_token=body.refresh_token))


@router.post("/auth/logout", status_code=204, summary="退出登录")
async def log_out(officer: Officer, request: Request, call: Caller):
    await call("workflow", "log_out", session_id=officer.session_id)
    request.app.state.sessions.forget(officer.session_id)
    return Response(status_code=204)


@router.get("/me", summary="当前办理人员")
async def me(officer: Officer, call: Caller):
    return await call("workflow", "me", officer_id=officer.id)


# -- todo list and cases -------------------------------------------------------------------------

@router.get("/cases", summary="我的待办：本单位在我所办环节的案件，按到期日排序")
async def todo(officer: Officer, call: Caller,
               acceptance_number: Annotated[str | None, Query(max_length=40)] = None,
               subject_name: Annotated[str | None, Query(max_length=100)] = None,
               record_type: RecordType | None = None,
               status: Annotated[str | None, Query(max_length=60,
                                                   description="案件状态，多个以英文逗号分隔")] = None,
               uscc: Annotated[str | None, Query(min_length=15, max_length=18)] = None,
               overdue: bool = False,
               due_soon: Annotated[bool, Query(
                   description="仅看即将超期（今日起至现行期限规则的到期提醒工作日内到期）")] = False,
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               cursor: Annotated[str | None, Query(max_length=60)] = None):
    filters = {"acceptance_number": acceptance_number, "subject_name": subject_name,
               "record_type": record_type.value if record_type else None, "status": status,
               "uscc": uscc.upper() if uscc else None, "overdue": overdue,
               "due_soon": due_soon}
    return await call("workflow", "todo", officer_id=officer.id,
                      filters={k: v for k, v in filters.items() if v}, limit=limit,
                      cursor=cursor)


@router.get("/cases/counts", summary="我的待办的案件数：各状态、已超期、即将超期")
async def counts(officer: Officer, call: Caller):
    return await call("workflow", "counts", officer_id=officer.id)


@router.get("/cases/{acceptance_number}", summary="案件办理页：申请内容与审批表")
async def case_page(acceptance_number: Number, officer: Officer, call: Caller):
    page = await call("workflow", "case_page", officer_id=officer.id,
                      acceptance_number=acceptance_number)
    page["application"] = await call("intake", "application_for_officer",
                                     application_id=page["case"]["application_id"])
    return page


@router.get("/cases/{acceptance_number}/transfer-targets",
            summary="转办可选的接收单位：同一区局的其他监管所")
async def transfer_targets(acceptance_number: Number, officer: Officer, call: Caller):
    return await call("workflow", "transfer_targets", officer_id=officer.id,
                      acceptance_number=acceptance_number)


@router.post("/cases/{acceptance_number}/actions", summary="办理操作：受理、不予受理、退回、转办、"
             "核实、审核（初审/复审）、审批、办结；发现弄虚作假时撤销修复决定")
async def act(acceptance_number: Number, body: CaseAction, officer: Officer, call: Caller):
    return await call("workflow", "act", officer_id=officer.id,
                      acceptance_number=acceptance_number, action=body.action,
                      version=body.version, opinion=body.opinion,
                      target_unit_code=body.target_unit_code)


@router.get("/cases/{acceptance_number}/materials/{material_id}", summary="下载申请材料")
async def download_material(acceptance_number: Number,
                            material_id: Annotated[str, Path(max_length=36)],
                            officer: Officer, call: Caller):
    page = await call("workflow", "case_page", officer_id=officer.id,
                      acceptance_number=acceptance_number)
    material = await call("intake", "material_for_officer",
                          application_id=page["case"]["application_id"],
                          material_id=material_id, timeout_s=30)
    return download(material)


@router.get("/cases/{acceptance_number}/documents/{document_id}", summary="下载案件文书 PDF",
            response_class=Response)
async def download_document(acceptance_number: Number,
                            document_id: Annotated[str, Path(max_length=36)],
                            officer: Officer, call: Caller):
    page = await call("workflow", "case_page", officer_id=officer.id,
                      acceptance_number=acceptance_number)
    document = await call("workflow", "document_pdf", document_id=document_id,
                          case_id=page["case"]["id"], timeout_s=15)
    return download(document, "application/pdf")


@router.get("/records", summary="按类型检索本辖区有记录的主体（可为申请人代办）；个人信息按权限显示")
async def search_records(officer: Officer, call: Caller,
                         query: Annotated[RecordSearch, Query()]):
    return await call("disclosure", "search_records", query=query.model_dump(mode="json"),
                      viewer_unit_code=officer.unit_code)


@router.get("/subjects/{code}", summary="查询市场主体及其记录（本辖区显示完整个人信息）")
async def lookup_subject(code: Annotated[str, Path(min_length=15, max_length=18)],
                         officer: Officer, call: Caller):
    return await call("disclosure", "lookup_subject", code=code,
                      viewer_unit_code=officer.unit_code)


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
    if found["subject"]["personal_data_masked"]:
        raise ApiError(403, "SUBJECT_NOT_OF_MY_DISTRICT", "只能为本辖区的市场主体代为申请")
    form = body.model_dump(mode="json", include={"contact_name", "contact_phone",
                                                 "facts_and_reasons"})
    return await call("intake", "create_counter_draft", officer_id=officer.id,
                      officer_unit=officer.unit_code, subject=subject_snapshot(found["subject"]),
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
    content = await file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise ApiError(422, "FILE_TOO_LARGE",
                       f"单个文件不能超过 {settings.max_upload_bytes // (1024 * 1024)} MB",
                       {"max_bytes": settings.max_upload_bytes})
    return await call("intake", "add_material", applicant_id=_as_officer(officer),
                      application_id=application_id, kind=kind, file_name=file.filename or "",
                      content_b64=base64.b64encode(content).decode(), timeout_s=30)


@router.post("/counter-applications/{application_id}/submit", summary="窗口代办：提交申请")
async def submit_counter_application(application_id: Annotated[str, Path(max_length=36)],
                                     officer: Officer, call: Caller):
    detail = await call("intake", "application_detail", applicant_id=_as_officer(officer),
                        application_id=application_id)
    found = await call("disclosure", "lookup_subject", code=detail["subject"]["code"])
    return await call("intake", "submit", applicant_id=_as_officer(officer),
                      application_id=application_id, records=found["records"], timeout_s=15)


STATISTICS_DESCRIPTION = """\
The cases the officer may see (an office: its own; a district bureau or its credit section:
the district; the city bureau: everything) that were **submitted** within the period
(Asia/Shanghai dates, both ends included; the default is this calendar year), optionally of one
district and one record type.

Per office (`by_unit`), district (`by_district`), record type (`by_record_type`) and in total:
`cases`; `decided` (不予受理, 准予修复 or 不予修复, even if closed or revoked since); `overdue`
(still running — 待受理 to 审批中 — past its due date; a decided case is never overdue, a
returned one waits for the applicant); `decided_late` (decided after its due date);
`average_working_days` (`average_handling_working_days` in total): working days **from
acceptance to decision** — after the acceptance day, up to and including the decision day, on
the working-day calendar (statutory holidays, 调休 and the override table) — over the accepted
and decided cases (`averaged_cases`); null when there are none. `paused`: cases returned for
correction (退回补正) and not yet resubmitted, whose clock stands still; `paused_cases`: cases
returned at least once; `average_paused_working_days`: the working days those spent returned,
every pause, a running one up to today; null when there are none. `by_status`: cases per
current status. `monthly`: per month of the period, cases `submitted` and decisions made (`decided`,
counted in the month of the decision whatever the submission date).

Errors (422): `INVALID_DATE`, `INVALID_PERIOD` (from after to), `PERIOD_TOO_LONG` (over three
years), `UNKNOWN_DISTRICT`, `VALIDATION_FAILED` (unknown record type); 403
`DISTRICT_NOT_IN_SCOPE` for a district outside the officer's."""

PeriodFrom = Annotated[str | None, Query(alias="from", max_length=10,
                                         description="统计期间开始日期 YYYY-MM-DD（默认今年 1 月 1 日）")]
PeriodTo = Annotated[str | None, Query(alias="to", max_length=10,
                                       description="统计期间结束日期 YYYY-MM-DD（默认今年 12 月 31 日）")]
District = Annotated[str | None, Query(max_length=6, description="区划代码，如 440106")]


def _statistics_filters(period_from, period_to, district, record_type) -> dict:
    return {"from": period_from, "to": period_to, "district_code": district,
            "record_type": record_type.value if record_type else None}


@router.get("/statistics", summary="统计：按单位、区划、类型、状态、超期、平均办理工作日及按月趋势",
            description=STATISTICS_DESCRIPTION)
async def statistics(officer: Officer, call: Caller, period_from: PeriodFrom = None,
                     period_to: PeriodTo = None, district: District = None,
                     record_type: RecordType | None = None):
    return await call("workflow", "statistics", officer_id=officer.id,
                      filters=_statistics_filters(period_from, period_to, district, record_type))


@router.get("/statistics/export", summary="导出统计（CSV 或 Excel），筛选条件同统计",
            response_class=Response,
            description="The figures of `GET /statistics` as a download with a Chinese file "
                        "name: `format=csv` (UTF-8 with BOM, one table after another under its "
                        "title) or `format=xlsx` (one sheet per table).")
async def export_statistics(officer: Officer, call: Caller, period_from: PeriodFrom = None,
                            period_to: PeriodTo = None, district: District = None,
                            record_type: RecordType | None = None,
                            file_format: Annotated[Literal["csv", "xlsx"], Query(
                                alias="format", description="csv 或 xlsx")] = "csv"):
    found = await call("workflow", "statistics_export", officer_id=officer.id,
                       filters=_statistics_filters(period_from, period_to, district,
                                                   record_type),
                       file_format=file_format, timeout_s=30)
    return download(found, found["content_type"])


@router.get("/inbox", summary="站内消息：到期提醒、超期督办（本人及本单位）")
async def inbox(officer: Officer, call: Caller, unread_only: bool = False,
                limit: Annotated[int, Query(ge=1, le=100)] = 20):
    return await call("notification", "inbox", officer_id=officer.id,
                      unit_code=officer.unit_code, unread_only=unread_only, limit=limit)


@router.post("/inbox/{message_id}/read", summary="标记消息为已读")
async def mark_read(message_id: Annotated[str, Path(max_length=36)], officer: Officer,
                    call: Caller):
    return await call("notification", "mark_read", message_id=message_id,
                      officer_id=officer.id, unit_code=officer.unit_code)


# -- administration ----------------------------------------------------------------------------

@admin_router.get("/officers", summary="管理范围内的办理人员（本所、本区或全市），按单位、姓名排序")
async def officers(admin: Administrator, call: Caller,
                   q: Annotated[str | None, Query(max_length=50,
                                                  description="姓名或手机号的一部分")] = None,
                   limit: Annotated[int, Query(ge=1, le=100)] = 20,
                   cursor: Annotated[str | None, Query(max_length=200)] = None):
    return await call("workflow", "officers", admin_id=admin.id, search=q, limit=limit,
                      cursor=cursor)


@admin_router.get("/units", summary="管理范围内可分配办理人员的单位")
async def units(admin: Administrator, call: Caller):
    return await call("workflow", "units_for_officers", admin_id=admin.id)


@admin_router.post("/officers", status_code=201, summary="新增办理人员")
async def add_officer(body: NewOfficer, admin: Administrator, call: Caller):
    return await call("workflow", "add_officer", admin_id=admin.id, **body.model_dump())


@admin_router.patch("/officers/{officer_id}", summary="修改办理人员（停用、调整单位或角色）")
async def change_officer(officer_id: Annotated[str, Path(max_length=36)], body: OfficerChange,
                         admin: Administrator, call: Caller):
    return await call("workflow", "change_officer", admin_id=admin.id, officer_id=officer_id,
                      changes=body.model_dump(exclude_unset=True))


@admin_router.get("/eligibility-rules", summary="信用修复规则版本")
async def rule_versions(admin: Administrator, call: Caller):
    return {"items": await call("intake", "rule_versions", admin_id=admin.id),
            "next_cursor": None}


@admin_router.post("/eligibility-rules", status_code=201, summary="新增规则版本（生效日期须晚于今天）")
async def add_rule_version(body: RuleVersion, admin: Administrator, call: Caller):
    return await call("intake", "add_rule_version", version=body.version,
                      effective_from=body.effective_from.isoformat(), source=body.source,
                      rules=body.rules, admin_id=admin.id)


@admin_router.post("/subjects/{code}/proof-material-mode", summary="设置主体“证明材料”模式")
async def proof_material_mode(code: Annotated[str, Path(min_length=15, max_length=18)],
                              enabled: Annotated[bool, Query()], admin: Administrator,
                              call: Caller):
    return await call("disclosure", "set_proof_material_mode", code=code, enabled=enabled,
                      admin_id=admin.id)


@admin_router.get("/calendar/add-working-days", summary="计算若干工作日后的日期")
async def add_working_days(start: date, days: Annotated[int, Query(ge=0, le=366)],
                           admin: Administrator, call: Caller):
    return await call("workflow", "add_working_days", admin_id=admin.id,
                      start=start.isoformat(), days=days)


@admin_router.get("/calendar/overrides", summary="工作日调整表")
async def calendar_overrides(admin: Administrator, call: Caller):
    return {"items": await call("workflow", "calendar_overrides", admin_id=admin.id),
            "next_cursor": None}


@admin_router.post("/calendar/overrides", status_code=201, summary="新增或修改一天的工作日调整")
async def set_calendar_override(body: CalendarOverride, admin: Administrator, call: Caller):
    return await call("workflow", "set_calendar_override", admin_id=admin.id,
                      day=body.day.isoformat(), is_working=body.is_working, note=body.note)
