"""Temporary repair during a bankruptcy reorganisation, for officers: the court's ruling on
the plan filed for a case of the officer's own unit (the administrator may file it too), and
a subject's temporary repairs. Workflow says whether the officer may act on the case before
intake is asked."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from gateway.api.deps import Caller, Officer, Settings
from gateway.api.routes.applicant.reorganisation import FollowUpRulingForm
from gateway.api.routes.officer.cases import Number
from gateway.api.routing import PrefixRouter
from gateway.core.errors import ApiError

router = PrefixRouter()


@router.post("/cases/{acceptance_number}/reorganisation-rulings",
             summary="为本单位的破产重整临时修复案件提交人民法院批准重整计划或终止重整程序的民事裁定书（PDF）")
async def file_ruling(acceptance_number: Number, officer: Officer, call: Caller,
                      settings: Settings, form: FollowUpRulingForm):
    page = await call("workflow", "case_page", officer_id=officer.id,
                      acceptance_number=acceptance_number)
    if not page["can_act"]:
        raise ApiError(403, "CASE_NOT_OF_MY_UNIT", "只能办理本单位的案件",
                       {"unit_code": page["case"].get("unit_code")})
    return await call("intake", "file_reorganisation_ruling_for_officer", officer_id=officer.id,
                      application_id=page["case"]["application_id"],
                      **await form.arguments(settings.max_upload_bytes), timeout_s=30)


@router.get("/subjects/{code}/temporary-repairs",
            summary="市场主体的破产重整临时修复：记录、有效期、裁定与结果")
async def temporary_repairs(code: Annotated[str, Path(min_length=15, max_length=18)],
                            officer: Officer, call: Caller):
    items = await call("disclosure", "temporary_repairs_of_subject", code=code)
    return {"items": items, "next_cursor": None}
