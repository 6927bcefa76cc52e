"""Administration: the working-day calendar and its overrides."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query
from pydantic import Field

from gateway.api.bodies import Body
from gateway.api.deps import Administrator, Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


class CalendarOverride(Body):
    day: date
    is_working: bool
    note: str = Field(min_length=1, max_length=200)


@router.get("/calendar/add-working-days", summary="计算若干工作日后的日期")
async def add_working_days(start: date, days: Annotated[int, Query(ge=0, le=366)],
                           admin: Administrator, call: Caller):
    return await call("workflow", "add_working_days", admin_id=admin.id,
                      start=start.isoformat(), days=days)


@router.get("/calendar/overrides", summary="工作日调整表")
async def calendar_overrides(admin: Administrator, call: Caller):
    return {"items": await call("workflow", "calendar_overrides", admin_id=admin.id),
            "next_cursor": None}


@router.post("/calendar/overrides", status_code=201, summary="新增或修改一天的工作日调整")
async def set_calendar_override(body: CalendarOverride, admin: Administrator, call: Caller):
    return await call("workflow", "set_calendar_override", admin_id=admin.id,
                      day=body.day.isoformat(), is_working=body.is_working, note=body.note)
