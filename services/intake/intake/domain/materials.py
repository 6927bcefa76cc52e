"""Uploaded materials: their kinds (the shared ``MaterialKind`` vocabulary), how many fit, and
which kinds must be a PDF. How a file is judged by its content and how its name is made safe
live in ``credit_common.uploads`` (disclosure takes files too)."""

from __future__ import annotations

from credit_common.contracts.vocabulary import MaterialKind
from credit_common.errors import Conflict, ValidationFailed
# the content checks are shared with the other services that take files
from credit_common.uploads import (EXTENSIONS, SIGNATURES, CheckedFile,  # noqa: F401
                                   check_file_name, check_pdf, check_upload, reencode_image,
                                   safe_file_name, sniff_content_type)

MATERIAL_KINDS: dict[str, str] = {kind.value: kind.label for kind in MaterialKind}
#: a court's ruling is an official document: its PDF, never a photograph of it
PDF_ONLY_KINDS = frozenset({"reorganisation_ruling", "administrator_appointment",
                            "plan_confirmation_ruling", "termination_ruling"})


def check_kind(kind: str) -> None:
    if kind not in MATERIAL_KINDS:
        raise ValidationFailed("UNKNOWN_MATERIAL_KIND", "未知的材料类型", {"field": "kind"})


def check_type_for_kind(kind: str, content_type: str) -> None:
    if kind in PDF_ONLY_KINDS and content_type != "application/pdf":
        raise ValidationFailed("PDF_REQUIRED", f"{MATERIAL_KINDS[kind]}须上传 PDF 文件",
                               {"field": "file", "kind": kind})


def check_quota(in_application: int, of_owner: int | None, max_per_application: int,
                max_per_applicant: int) -> None:
    """Room for one more material: in the application, and across the applicant's open
    applications (``of_owner`` is None for a counter application, which has no such limit)."""
    if in_application >= max_per_application:
        raise Conflict("TOO_MANY_MATERIALS",
                       f"每件申请最多上传 {max_per_application} 份材料，请先删除不需要的材料",
                       {"limit": max_per_application, "scope": "application"})
    if of_owner is not None and of_owner >= max_per_applicant:
        raise Conflict("MATERIAL_QUOTA_EXCEEDED",
                       f"您办理中的申请已共有 {max_per_applicant} 份材料，已达上限",
                       {"limit": max_per_applicant, "scope": "applicant"})
