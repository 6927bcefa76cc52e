"""The official documents of an application (受理通知书、决定书...) and their PDFs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from gateway.api.deps import Applicant, Caller
from gateway.api.downloads import download
from gateway.api.routes.applicant.params import ApplicationId
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


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
