"""The applicant's inbox: status changes of their applications."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from gateway.api.deps import Applicant, Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


@router.get("/inbox", summary="站内消息：申请状态变化")
async def inbox(applicant: Applicant, call: Caller, unread_only: bool = False,
                limit: Annotated[int, Query(ge=1, le=100)] = 20):
    return await call("notification", "inbox", applicant_id=applicant.id,
                      unread_only=unread_only, limit=limit)


@router.post("/inbox/{message_id}/read", summary="标记消息为已读")
async def mark_read(message_id: Annotated[str, Path(max_length=36)], applicant: Applicant,
                    call: Caller):
    return await call("notification", "mark_read", message_id=message_id,
                      applicant_id=applicant.id)
