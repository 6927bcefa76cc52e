"""The guides per record type and the legal notice: reading the version in force, and
acknowledging it."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.errors import NotFound

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain.guides import require_current_guide
from intake.domain.records import checked_record_type


def current_guide(record_type: str, uow: IntakeUnitOfWork) -> dict:
    guide = uow.guides.current("guide", checked_record_type(record_type), now().date())
    if guide is None:
        raise NotFound("GUIDE_NOT_FOUND", "该类型暂无办事指南")
    return guide


def current_legal_notice(uow: IntakeUnitOfWork) -> dict:
    notice = uow.guides.current("legal_notice", "", now().date())
    if notice is None:
        raise NotFound("LEGAL_NOTICE_NOT_FOUND", "暂无办理须知")
    return notice


def acknowledge_guide(applicant_id: str, record_type: str, version: int,
                      uow: IntakeUnitOfWork) -> dict:
    guide = current_guide(record_type, uow)
    require_current_guide(version, guide)
    uow.guides.acknowledge(applicant_id, "guide", guide["record_type"], guide["version"], now())
    return guide
