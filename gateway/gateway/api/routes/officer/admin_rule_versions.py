"""Administration: the versioned rules (eligibility, temporary repair during a bankruptcy
reorganisation, publicity terms, deadlines). Each is a list of versions, each in force from
its effective date, and a form for a later one; the owning service checks the administrator
and the version again before it stores anything."""

# no ``from __future__ import annotations``: FastAPI reads the body's class from the signature
from collections.abc import Callable
from datetime import date

from pydantic import BaseModel, Field

from credit_common.contracts.deadlines import DeadlineRuleVersionCreate
from gateway.api.bodies import Body
from gateway.api.deps import Administrator, Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


class RuleVersion(Body):
    version: str = Field(min_length=1, max_length=40)
    effective_from: date
    source: str = Field(min_length=1, max_length=500, description="依据（文件名称、文号）")
    rules: dict


class PublicityTermVersion(Body):
    version: str = Field(min_length=1, max_length=40)
    effective_from: date
    source: str = Field(min_length=1, max_length=500, description="依据（文件名称、文号）")
    terms: dict = Field(description="各类记录的公示期限：basis、record_types（六类记录各一项）、"
                                    "listing_cures（报送信息消除列入事由的规则，可为空列表）"
                                    "与 cure_basis")


class NewDeadlineRuleVersion(DeadlineRuleVersionCreate, Body):
    pass


def _fields(body: BaseModel) -> dict:
    return body.model_dump(mode="json")


def _as_version(body: BaseModel) -> dict:
    return {"version": body.model_dump(mode="json")}


def versioned_rule(path: str, service: str, rule: str, new_version: type[BaseModel], *,
                   listed: str, added: str, arguments: Callable[[BaseModel], dict] = _fields,
                   errors: str | None = None) -> None:
    """GET ``path`` calls ``<service>.<rule>_versions``, POST ``add_<rule>_version``."""

    async def versions(admin: Administrator, call: Caller):
        return {"items": await call(service, f"{rule}_versions", admin_id=admin.id),
                "next_cursor": None}

    async def add_version(body: new_version, admin: Administrator, call: Caller):
        return await call(service, f"add_{rule}_version", admin_id=admin.id, **arguments(body))

    router.get(path, summary=listed, name=f"{rule}_versions")(versions)
    router.post(path, status_code=201, summary=added, description=errors,
                name=f"add_{rule}_version")(add_version)


versioned_rule("/eligibility-rules", "intake", "rule", RuleVersion,
               listed="信用修复规则版本", added="新增规则版本（生效日期须晚于今天）")
versioned_rule("/reorganisation-rules", "intake", "reorganisation_rule", RuleVersion,
               listed="破产重整期间临时修复规则版本（适用记录、期限、材料）",
               added="新增破产重整期间临时修复规则版本（生效日期须晚于今天，内容按格式校验）")
versioned_rule("/publicity-terms", "disclosure", "publicity_term", PublicityTermVersion,
               listed="公示期限版本",
               added="新增公示期限版本（生效日期须晚于今天；内容不符合要求的不予保存）")
versioned_rule("/deadline-rules", "workflow", "deadline_rule", NewDeadlineRuleVersion,
               listed="办理期限规则版本（受理、办理时限与到期提醒），标明现行版本",
               added="新增办理期限规则版本（生效日期须晚于今天）", arguments=_as_version,
               errors="Errors: 422 `VALIDATION_FAILED` (the body does not fit the schema: "
                      "`details.fields`), `EFFECTIVE_DATE_NOT_IN_FUTURE`; 409 "
                      "`RULE_VERSION_EXISTS` (the version or its effective date exists). "
                      "Nothing is stored on any error.")
