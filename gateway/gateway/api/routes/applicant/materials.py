"""An application's materials: upload, download, removal."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Path, Response, UploadFile

from gateway.api.deps import Applicant, Caller, Settings
from gateway.api.downloads import download
from gateway.api.routes.applicant.params import ApplicationId
from gateway.api.routing import PrefixRouter
from gateway.api.uploads import file_arguments

router = PrefixRouter()


@router.post("/applications/{application_id}/materials", status_code=201,
             summary="上传材料（PDF/JPEG/PNG，按文件内容判断类型）")
async def upload_material(application_id: ApplicationId, applicant: Applicant, call: Caller,
                          settings: Settings, kind: Annotated[str, Form(max_length=40)],
                          file: Annotated[UploadFile, File()]):
    return await call("intake", "add_material", applicant_id=applicant.id,
                      application_id=application_id, kind=kind, timeout_s=30,
                      **await file_arguments(file, settings.max_upload_bytes))


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
