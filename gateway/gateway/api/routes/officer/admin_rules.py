"""Administration: the versions of the credit repair eligibility rules, and of the rules of
temporary repair during a bankruptcy reorganisation."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from gateway.api.bodies import Body
from gateway.api.deps import Administrator, Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


class RuleVersion(Body):
    version: str = Field(min_length=1, max_length=40)
    effective_from: date
    source: str = Field(min_length=1, max_length=500, description="依据（文件名称、文号）")
    rules: dict


@router.get("/eligibility-rules", summary="信用修复规则版本")
async def rule_versions(admin: Administrator, call: Caller):
    return {"items": await call("intake", "rule_versions", admin_id=admin.id),
            "next_cursor": None}


@router.post("/eligibility-rules", status_code=201, summary="新增规则版本（生效日期须晚于今天）")
async def add_rule_version(body: RuleVersion, admin: Administrator, call: Caller):
    return await call("intake", "add_rule_version", version=body.version,
                      effective_from=body.effective_from.isoformat(), source=body.source,
                      rules=body.rules, admin_id=admin.id)


@router.get("/reorganisation-rules", summary="破产重整期间临时修复规则版本（适用记录、期限、材料）")
async def reorganisation_rule_versions(admin: Administrator, call: Caller):
    return {"items": await call("intake", "reorganisation_rule_versions", admin_id=admin.id),
            "next_cursor": None}


@router.post("/reorganisation-rules", status_code=201,
             summary="新增破产重整期间临时修复规则版本（生效日期须晚于今天，内容按格式校验）")
async def add_reorganisation_rule_version(body: RuleVersion, admin: Administrator,
                                          call: Caller):
    return await call("intake", "add_reorganisation_rule_version", version=body.version,
                      effective_from=body.effective_from.isoformat(), source=body.source,
                      rules=body.rules, admin_id=admin.id)
