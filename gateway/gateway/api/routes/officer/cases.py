"""One case: its page with the application, the transfer targets, the actions, and the
downloads of its materials and documents. Workflow decides what the officer may see and do;
the gateway asks it first and only then fetches the application from intake."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response
from pydantic import Field

from gateway.api.bodies import ActionName, Body
from gateway.api.deps import Caller, Officer
from gateway.api.downloads import download
from gateway.api.routes.officer.decision_checks import recheck_before
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


Number = Annotated[str, Path(min_length=10, max_length=40, description="受理编号")]


async def _case_seen_by(officer, acceptance_number: str, call) -> dict:
    """The case, once workflow has said this officer may see it (it refuses otherwise)."""
    page = await call("workflow", "case_page", officer_id=officer.id,
                      acceptance_number=acceptance_number)
    return page["case"]


class CaseAction(Body):
    action: ActionName
    version: int = Field(ge=1, description="案件当前版本号（乐观锁）")
    opinion: str | None = Field(None, max_length=2000, description="意见、理由或需补正的内容")
    target_unit_code: str | None = Field(None, pattern=r"^\d{6,8}$", description="转办接收单位")


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
    await recheck_before(body.action, call, officer, acceptance_number)
    return await call("workflow", "act", officer_id=officer.id,
                      acceptance_number=acceptance_number, action=body.action,
                      version=body.version, opinion=body.opinion,
                      target_unit_code=body.target_unit_code)


@router.get("/cases/{acceptance_number}/materials/{material_id}", summary="下载申请材料")
async def download_material(acceptance_number: Number,
                            material_id: Annotated[str, Path(max_length=36)],
                            officer: Officer, call: Caller):
    case = await _case_seen_by(officer, acceptance_number, call)
    material = await call("intake", "material_for_officer", application_id=case["application_id"],
                          material_id=material_id, timeout_s=30)
    return download(material)


@router.get("/cases/{acceptance_number}/documents/{document_id}", summary="下载案件文书 PDF",
            response_class=Response)
async def download_document(acceptance_number: Number,
                            document_id: Annotated[str, Path(max_length=36)],
                            officer: Officer, call: Caller):
    case = await _case_seen_by(officer, acceptance_number, call)
    document = await call("workflow", "document_pdf", document_id=document_id,
                          case_id=case["id"], timeout_s=15)
    return download(document, "application/pdf")
