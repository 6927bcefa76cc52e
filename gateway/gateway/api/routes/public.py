"""Public disclosure queries: anyone may search the records; personal data is masked."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated

from fastapi import File, Path, Query, Response, UploadFile

from credit_common.contracts.queries import RecordSearch
from credit_common.contracts.vocabulary import ListingReason, RecordType
from gateway.api.deps import Caller, Settings
from gateway.api.downloads import download
from gateway.api.routing import PrefixRouter
from gateway.api.uploads import read_upload

router = PrefixRouter(prefix="/api/v1/public", tags=["信息公示查询"])


@router.get("/subjects", summary="检索失信主体及其记录（名称模糊检索、类型、区划、列入原因、列入日期）",
            description="`q` 为名称检索词，空格分隔多个词时结果须同时包含全部检索词；"
                        "按上一页返回的 `next_cursor` 传入 `cursor` 翻页。个人信息已脱敏。")
async def search_subjects(
    call: Caller,
    q: Annotated[str | None, Query(max_length=100, description="名称检索词")] = None,
    type: Annotated[RecordType | None, Query(description="记录类型")] = None,
    district: Annotated[str | None, Query(pattern=r"^\d{6}$", description="区划代码")] = None,
    listing_reason: Annotated[ListingReason | None, Query()] = None,
    listed_from: Annotated[date | None, Query(description="列入/处罚决定日期起")] = None,
    listed_to: Annotated[date | None, Query(description="列入/处罚决定日期止")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=36)] = None,
):
    query = RecordSearch(name=q, record_type=type, district_code=district,
                         listing_reason=listing_reason, date_from=listed_from,
                         date_to=listed_to, limit=limit, cursor=cursor)
    return await call("disclosure", "search_records", query=query.model_dump(mode="json"))


@router.get("/records", summary="检索失信记录（与 /subjects 相同，参数使用字段全名）",
            description="名称检索词用空格分隔，结果须同时包含全部检索词；按 `next_cursor` 翻页。")
async def search_records(query: Annotated[RecordSearch, Query()], call: Caller):
    return await call("disclosure", "search_records", query=query.model_dump(mode="json"))


@router.get("/subjects/{code}", summary="按统一社会信用代码或注册号查询市场主体及其记录")
async def lookup_subject(code: Annotated[str, Path(min_length=15, max_length=18)], call: Caller):
    return await call("disclosure", "lookup_subject", code=code)


@router.get("/records/{record_id}", summary="查询一条记录及其公示状态变更历史")
async def get_record(record_id: Annotated[str, Path(max_length=36)], call: Caller):
    return await call("disclosure", "get_record", record_id=record_id)


@router.get("/documents/verify", summary="核验官方文书：按验证码查询文书编号、当事人、日期及内容摘要")
async def verify_document(code: Annotated[str, Query(min_length=6, max_length=32)],
                          call: Caller):
    return await call("workflow", "verify_document", code=code)


@router.get("/documents/pdf", summary="按验证码下载信用修复告知书 PDF（短信中的链接）",
            description="仅信用修复告知书可凭验证码公开下载；其他文书由当事人登录后下载。",
            response_class=Response)
async def download_public_document(code: Annotated[str, Query(min_length=6, max_length=32)],
                                   call: Caller):
    return download(await call("workflow", "public_document_pdf", code=code, timeout_s=15),
                    "application/pdf")


@router.post("/documents/verify", summary="核验文书文件：上传 PDF，判断是否为签发的原件（被改动的文件查不到）")
async def verify_document_file(file: Annotated[UploadFile, File()], call: Caller,
                               settings: Settings):
    content = await read_upload(file, settings.max_upload_bytes)
    return await call("workflow", "verify_document", sha256=hashlib.sha256(content).hexdigest())
