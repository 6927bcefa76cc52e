"""A penalty of ours withdrawn after an administrative review, a court's judgment or the
deciding unit's own correction: an officer action on the record, not an application. The
gateway reads who the officer is from workflow (name, unit, roles, still active); disclosure
decides whether they may, keeps the ruling's file and stops the publicity."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import File, Form, Path, Response, UploadFile

from credit_common.contracts.officers import ActingOfficer
from credit_common.contracts.vocabulary import WithdrawalRulingKind
from gateway.api.deps import Caller, Officer, Settings
from gateway.api.downloads import download
from gateway.api.uploads import file_arguments
from gateway.api.routing import PrefixRouter

router = PrefixRouter()

RecordId = Annotated[str, Path(max_length=36, description="记录编号")]

DESCRIPTION = """\
行政处罚决定经行政复议撤销、被人民法院判决撤销，或作出机关自行纠错撤销的，由作出处罚的单位所在区局的
审批人撤销该行政处罚信息的公示：记录立即停止公示（`publicity_state`: `withdrawn`，已撤销），公示历史
载明依据文书，文书（PDF 或图片）留存；同时通过信息交换总线通报其他部门（`record.penalty_withdrawn.v1`
及 `record.publicity_changed.v1`），短信告知当事人，涉及该记录且尚未作出决定的信用修复案件以“无需修复”
办结并告知申请人。

同一文书重复提交只撤销一次（返回首次结果，`created`: false）。

Errors: 404 `RECORD_NOT_FOUND`; 403 `RECORD_NOT_OF_MY_DISTRICT` (the penalty was made outside
the officer's district bureau), `ROLE_REQUIRED` (approver), `OFFICER_DISABLED`; 409
`NOT_OWN_PENALTY` (a listing, or another department's penalty, which it withdraws over the
bus), `RECORD_NOT_PUBLICISED`, `RECORD_ALREADY_WITHDRAWN` (by another ruling); 422
`INVALID_WITHDRAWAL` (`details.fields` names each bad field), `VALIDATION_FAILED` (a field
missing), `EMPTY_FILE`, `UNSUPPORTED_FILE_TYPE`, `PDF_UNREADABLE`, `PDF_ACTIVE_CONTENT`,
`PDF_EMBEDDED_FILE`, `FILE_POLYGLOT`, `IMAGE_UNREADABLE`, `FILE_NAME_INVALID`,
`FILE_TOO_LARGE`."""


@router.get("/records/{record_id}", summary="查看一条记录：公示状态、变更历史及撤销情况（含依据文书）")
async def record(record_id: RecordId, officer: Officer, call: Caller):
    return await call("disclosure", "get_record", record_id=record_id,
                      viewer_unit_code=officer.unit_code)


@router.post("/records/{record_id}/withdrawal",
             summary="撤销本局行政处罚信息公示（行政复议决定、法院判决或自行纠错），上传依据文书",
             description=DESCRIPTION)
async def withdraw(record_id: RecordId, officer: Officer, call: Caller, settings: Settings,
                   ruling_kind: Annotated[WithdrawalRulingKind, Form(
                       description="撤销依据：administrative_review 行政复议决定、court_judgment 法院判决、"
                                   "self_correction 自行纠错")],
                   ruling_number: Annotated[str, Form(min_length=2, max_length=100,
                                                      description="决定书或判决书文号")],
                   ruling_date: Annotated[date, Form(description="决定或判决日期（不得晚于今天）")],
                   reason: Annotated[str, Form(min_length=2, max_length=500,
                                               description="撤销理由")],
                   file: Annotated[UploadFile, File(description="依据文书（PDF、JPEG 或 PNG）")]):
    me = await call("workflow", "me", officer_id=officer.id)
    return await call("disclosure", "withdraw_penalty", record_id=record_id,
                      officer={k: me[k] for k in ActingOfficer.model_fields},
                      ruling={"kind": ruling_kind.value, "number": ruling_number,
                              "ruling_date": ruling_date.isoformat(), "reason": reason},
                      **await file_arguments(file, settings.max_upload_bytes), timeout_s=30)


@router.get("/records/{record_id}/withdrawal/file", response_class=Response,
            summary="下载撤销依据文书（作出处罚的单位所在区局及市局人员）",
            description="Errors: 404 `WITHDRAWAL_NOT_FOUND`; 403 `RECORD_NOT_OF_MY_DISTRICT`.")
async def withdrawal_file(record_id: RecordId, officer: Officer, call: Caller):
    return download(await call("disclosure", "withdrawal_file", record_id=record_id,
                               viewer_unit_code=officer.unit_code, timeout_s=15))
