"""The registry as an officer reads it: the per-type record search and a subject with its
records (personal data in full only within the officer's district)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from credit_common.contracts.queries import RecordSearch
from gateway.api.deps import Caller, Officer
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


@router.get("/records", summary="按类型检索本辖区有记录的主体（可为申请人代办）；个人信息按权限显示")
async def search_records(officer: Officer, call: Caller,
                         query: Annotated[RecordSearch, Query()]):
    return await call("disclosure", "search_records", query=query.model_dump(mode="json"),
                      viewer_unit_code=officer.unit_code)


@router.get("/subjects/{code}", summary="查询市场主体及其记录（本辖区显示完整个人信息）")
async def lookup_subject(code: Annotated[str, Path(min_length=15, max_length=18)],
                         officer: Officer, call: Caller):
    return await call("disclosure", "lookup_subject", code=code,
                      viewer_unit_code=officer.unit_code)
