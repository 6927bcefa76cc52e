"""Administration: the versions of the publicity terms (how long each record type stays
public, and which filing cures which listing), which disclosure checks against its schema
before storing."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from gateway.api.bodies import Body
from gateway.api.deps import Administrator, Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


class PublicityTermVersion(Body):
    version: str = Field(min_length=1, max_length=40)
    effective_from: date
    source: str = Field(min_length=1, max_length=500, description="依据（文件名称、文号）")
    terms: dict = Field(description="各类记录的公示期限：basis、record_types（六类记录各一项）、"
                                    "listing_cures（报送信息消除列入事由的规则，可为空列表）"
                                    "与 cure_basis")


@router.get("/publicity-terms", summary="公示期限版本")
async def term_versions(admin: Administrator, call: Caller):
    return {"items": await call("disclosure", "publicity_term_versions", admin_id=admin.id),
            "next_cursor": None}


@router.post("/publicity-terms", status_code=201,
             summary="新增公示期限版本（生效日期须晚于今天；内容不符合要求的不予保存）")
async def add_term_version(body: PublicityTermVersion, admin: Administrator, call: Caller):
    return await call("disclosure", "add_publicity_term_version", version=body.version,
                      effective_from=body.effective_from.isoformat(), source=body.source,
                      terms=body.terms, admin_id=admin.id)
