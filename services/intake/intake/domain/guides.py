"""The guides and the legal notice an applicant acknowledges: only the version in force
counts, and a draft needs its type's guide acknowledged. Plain Python."""

from __future__ import annotations

from credit_common.errors import Conflict, Forbidden


def require_current_guide(version: int, guide: dict) -> None:
    if int(version) != guide["version"]:
        raise Conflict("GUIDE_VERSION_OUTDATED", "办事指南已更新，请阅读最新版本后再确认",
                       {"current_version": guide["version"]})


def require_current_notice(version: int, notice: dict) -> None:
    if int(version) != notice["version"]:
        raise Conflict("LEGAL_NOTICE_OUTDATED", "办理须知已更新，请阅读最新版本后再确认",
                       {"current_version": notice["version"]})


def require_acknowledged(acknowledged: bool, guide: dict) -> None:
    if not acknowledged:
        raise Forbidden("GUIDE_NOT_ACKNOWLEDGED", "请先阅读并确认办事指南",
                        {"guide_version": guide["version"]})
