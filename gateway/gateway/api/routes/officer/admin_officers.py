"""Administration: the officers within the administrator's scope, and the units they may be
put in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

from gateway.api.bodies import Body, Phone, RoleName
from gateway.api.deps import Administrator, Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


class NewOfficer(Body):
    phone: Phone
    name: str = Field(min_length=1, max_length=50)
    unit_code: str = Field(pattern=r"^\d{6,8}$")
    roles: list[RoleName] = Field(min_length=1)


class OfficerChange(Body):
    name: str | None = Field(None, min_length=1, max_length=50)
    unit_code: str | None = Field(None, pattern=r"^\d{6,8}$")
    roles: list[RoleName] | None = None
    active: bool | None = None


@router.get("/officers", summary="管理范围内的办理人员（本所、本区或全市），按单位、姓名排序")
async def officers(admin: Administrator, call: Caller,
                   q: Annotated[str | None, Query(max_length=50,
                                                  description="姓名或手机号的一部分")] = None,
                   limit: Annotated[int, Query(ge=1, le=100)] = 20,
                   cursor: Annotated[str | None, Query(max_length=200)] = None):
    return await call("workflow", "officers", admin_id=admin.id, search=q, limit=limit,
                      cursor=cursor)


@router.get("/units", summary="管理范围内可分配办理人员的单位")
async def units(admin: Administrator, call: Caller):
    return await call("workflow", "units_for_officers", admin_id=admin.id)


@router.post("/officers", status_code=201, summary="新增办理人员")
async def add_officer(body: NewOfficer, admin: Administrator, call: Caller):
    return await call("workflow", "add_officer", admin_id=admin.id, **body.model_dump())


@router.patch("/officers/{officer_id}", summary="修改办理人员（停用、调整单位或角色）")
async def change_officer(officer_id: Annotated[str, Path(max_length=36)], body: OfficerChange,
                         admin: Administrator, call: Caller):
    return await call("workflow", "change_officer", admin_id=admin.id, officer_id=officer_id,
                      changes=body.model_dump(exclude_unset=True))
