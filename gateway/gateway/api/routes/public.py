"""Public disclosure queries: anyone may search the records; personal data is masked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from credit_common.contracts.queries import RecordSearch
from gateway.api.deps import Caller

router = APIRouter(prefix="/api/v1/public", tags=["信息公示查询"])


@router.get("/records", summary="检索失信记录（名称模糊检索、代码、类型、列入原因、日期、区划）",
            description="名称检索词用空格分隔，结果须同时包含全部检索词；按 `next_after` 翻页。")
async def search_records(query: Annotated[RecordSearch, Query()], call: Caller):
    return await call("disclosure", "search_records", query=query.model_dump(mode="json"))


@router.get("/subjects/{code}", summary="按统一社会信用代码或注册号查询市场主体及其记录")
async def lookup_subject(code: Annotated[str, Path(min_length=15, max_length=18)], call: Caller):
    return await call("disclosure", "lookup_subject", code=code)


@router.get("/records/{record_id}", summary="查询一条记录及其公示状态变更历史")
async def get_record(record_id: Annotated[str, Path(max_length=36)], call: Caller):
    return await call("disclosure", "get_record", record_id=record_id)
