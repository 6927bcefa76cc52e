"""An application's materials: uploading one (judged by parsing it, within the quotas),
removing one, and reading one back."""

from __future__ import annotations

import uuid

from credit_common.clock import now
from credit_common.errors import NotFound

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain.materials import (check_file_name, check_kind, check_quota,
                                     check_type_for_kind, check_upload, safe_file_name)
from intake.file_store import FileStore
from intake.handlers.access import own_application


def add_material(applicant_id: str, application_id: str, kind: str, file_name: str,
                 content: bytes, max_bytes: int, store: FileStore,
                 uow: IntakeUnitOfWork, max_per_application: int = 20,
                 max_per_applicant: int = 200, offload=lambda work, *args: work(*args)) -> dict:
    """Store one material: the file judged by parsing it (``check_upload``, run through
    ``offload``: the service runs it off its event loop), within the per-application and
    per-applicant quotas; what is stored (a re-encoded image) is what hash and size describe."""
    application = own_application(applicant_id, application_id, uow, for_update=True)
    application.require_editable()
    check_kind(kind)
    check_file_name(file_name)
    in_application, of_owner = uow.materials.counts(application)
    check_quota(in_application, of_owner, max_per_application, max_per_applicant)
    checked = offload(check_upload, content, max_bytes)
    check_type_for_kind(kind, checked.content_type)
    sha256 = store.put(checked.content)
    material = {"id": uuid.uuid4(), "application_id": application.id, "kind": kind,
                "file_name": safe_file_name(file_name, checked.content_type),
                "content_type": checked.content_type, "size_bytes": len(checked.content),
                "sha256": sha256, "uploaded_at": now()}
    uow.materials.add(material)
    return material


def remove_material(applicant_id: str, application_id: str, material_id: str,
                    uow: IntakeUnitOfWork) -> None:
    application = own_application(applicant_id, application_id, uow, for_update=True)
    application.require_editable()
    if not uow.materials.remove(application.id, material_id, now()):
        raise NotFound("MATERIAL_NOT_FOUND", "未找到该材料")


def material_content(applicant_id: str, application_id: str, material_id: str,
                     store: FileStore, uow: IntakeUnitOfWork) -> tuple[dict, bytes]:
    application = own_application(applicant_id, application_id, uow)
    material = uow.materials.get(application.id, material_id)
    if material is None:
        raise NotFound("MATERIAL_NOT_FOUND", "未找到该材料")
    return material, store.get(material["sha256"])
