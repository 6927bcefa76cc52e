"""Administration: the deadline rules, versions of the acceptance and decision limits and of
the reminder's lead, each in force from its effective date. Workflow checks the
administrator and the version again before it stores anything."""

from __future__ import annotations

from credit_common.contracts.deadlines import DeadlineRuleVersionCreate
from gateway.api.bodies import Body
from gateway.api.deps import Administrator, Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


class NewDeadlineRuleVersion(DeadlineRuleVersionCreate, Body):
    pass


@router.get("/deadline-rules", summary="办理期限规则版本（受理、办理时限与到期提醒），标明现行版本")
async def deadline_rule_versions(admin: Administrator, call: Caller):
    return {"items": await call("workflow", "deadline_rule_versions", admin_id=admin.id),
            "next_cursor": None}


@router.post("/deadline-rules", status_code=201, summary="新增办理期限规则版本（生效日期须晚于今天）",
             description="Errors: 422 `VALIDATION_FAILED` (the body does not fit the schema: "
                         "`details.fields`), `EFFECTIVE_DATE_NOT_IN_FUTURE`; 409 "
                         "`RULE_VERSION_EXISTS` (the version or its effective date exists). "
                         "Nothing is stored on any error.")
async def add_deadline_rule_version(body: NewDeadlineRuleVersion, admin: Administrator,
                                    call: Caller):
    return await call("workflow", "add_deadline_rule_version", admin_id=admin.id,
                      version=body.model_dump(mode="json"))
