"""Abnormal listings a filing cured (可移出): the listing office's list and its one-click
removal, which issues the numbered decision; workflow decides who may see and remove."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query, Response

from gateway.api.deps import Caller, Officer
from gateway.api.downloads import download
from gateway.api.routing import PrefixRouter

router = PrefixRouter()

RemovalId = Annotated[str, Path(max_length=36, description="可移出记录编号")]

DESCRIPTION = """\
A filing another agency announced on the inter-agency bus (`annual_report.filed.v1`,
`instant_info.published.v1`) cured the reason a record was listed for. Under the rule version
in force the listing was removed at once (`removal`: `immediate`, `status`: `removed`, with
its decision) or waits here for an officer of the listing unit (`officer_confirmation`,
`status`: `pending`). An office sees its own, a district bureau or credit section its
district, the city bureau everything; only an officer of the listing unit with the handler
or approver role may remove (`can_remove`)."""


@router.get("/listing-removals",
            summary="可移出的经营异常记录（补报年报、公示信息后）：本单位待确认移出的及已移出的",
            description=DESCRIPTION)
async def listing_removals(officer: Officer, call: Caller,
                           status: Literal["pending", "removed"] | None = None,
                           limit: Annotated[int, Query(ge=1, le=100)] = 20,
                           cursor: Annotated[str | None, Query(max_length=80)] = None):
    return await call("workflow", "listing_removals", officer_id=officer.id, status=status,
                      limit=limit, cursor=cursor)


@router.get("/listing-removals/{removal_id}", summary="可移出记录详情及移出决定书")
async def listing_removal(removal_id: RemovalId, officer: Officer, call: Caller):
    return await call("workflow", "listing_removal", officer_id=officer.id,
                      removal_id=removal_id)


@router.post("/listing-removals/{removal_id}/removal",
             summary="一键移出：列入机关确认移出，出具移出决定书（重复提交返回首次结果）",
             description="Errors: 403 `REMOVAL_NOT_ACCESSIBLE` (another unit's, or unknown), "
                         "`REMOVAL_NOT_OF_MY_UNIT` (visible, not the listing unit), "
                         "`ROLE_REQUIRED` (neither handler nor approver).")
async def remove_listing(removal_id: RemovalId, officer: Officer, call: Caller):
    return await call("workflow", "remove_listing", officer_id=officer.id,
                      removal_id=removal_id)


@router.get("/listing-removals/{removal_id}/documents/{document_id}",
            summary="下载移出决定书 PDF", response_class=Response)
async def download_document(removal_id: RemovalId,
                            document_id: Annotated[str, Path(max_length=36)],
                            officer: Officer, call: Caller):
    document = await call("workflow", "listing_removal_document_pdf", officer_id=officer.id,
                          removal_id=removal_id, document_id=document_id, timeout_s=15)
    return download(document, "application/pdf")
