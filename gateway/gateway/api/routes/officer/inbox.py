"""The officer's inbox: deadline reminders and escalations, their own and their unit's."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from gateway.api.deps import Caller, Officer
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


@router.get("/inbox", summary="站内消息：到期提醒、超期督办（本人及本单位）")
async def inbox(officer: Officer, call: Caller, unread_only: bool = False,
                limit: Annotated[int, Query(ge=1, le=100)] = 20):
    return await call("notification", "inbox", officer_id=officer.id,
                      unit_code=officer.unit_code, unread_only=unread_only, limit=limit)


@router.post("/inbox/{message_id}/read", summary="标记消息为已读")
async def mark_read(message_id: Annotated[str, Path(max_length=36)], officer: Officer,
                    call: Caller):
    return await call("notification", "mark_read", message_id=message_id,
                      officer_id=officer.id, unit_code=officer.unit_code)
