"""The officer's todo list and its figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from credit_common.contracts.vocabulary import RecordType
from gateway.api.deps import Caller, Officer
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


@router.get("/cases", summary="我的待办：本单位在我所办环节的案件，按到期日排序")
async def todo(officer: Officer, call: Caller,
               acceptance_number: Annotated[str | None, Query(max_length=40)] = None,
               subject_name: Annotated[str | None, Query(max_length=100)] = None,
               record_type: RecordType | None = None,
               status: Annotated[str | None, Query(max_length=60,
                                                   description="案件状态，多个以英文逗号分隔")] = None,
               uscc: Annotated[str | None, Query(min_length=15, max_length=18)] = None,
               overdue: bool = False,
               due_soon: Annotated[bool, Query(
                   description="仅看即将超期（今日起至现行期限规则的到期提醒工作日内到期）")] = False,
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               cursor: Annotated[str | None, Query(max_length=60)] = None):
    filters = {"acceptance_number": acceptance_number, "subject_name": subject_name,
               "record_type": record_type.value if record_type else None, "status": status,
               "uscc": uscc.upper() if uscc else None, "overdue": overdue,
               "due_soon": due_soon}
    return await call("workflow", "todo", officer_id=officer.id,
                      filters={k: v for k, v in filters.items() if v}, limit=limit,
                      cursor=cursor)


@router.get("/cases/counts", summary="我的待办的案件数：各状态、已超期、即将超期")
async def counts(officer: Officer, call: Caller):
    return await call("workflow", "counts", officer_id=officer.id)
