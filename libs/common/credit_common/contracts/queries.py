"""Queries the gateway passes to services (validated again by the owner)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from credit_common.contracts.vocabulary import ListingReason, PublicityState, RecordType


class RecordSearch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=100, description="名称关键词，空格分隔多个词（同时包含）")
    subject_code: str | None = Field(None, min_length=15, max_length=18,
                                     description="统一社会信用代码或注册号")
    record_type: RecordType | None = None
    listing_reason: ListingReason | None = None
    date_from: date | None = Field(None, description="列入/处罚决定日期起")
    date_to: date | None = Field(None, description="列入/处罚决定日期止")
    district_code: str | None = Field(None, pattern=r"^\d{6}$")
    publicity_state: PublicityState | None = PublicityState.active
    cursor: str | None = Field(None, max_length=36, description="上一页返回的 next_cursor")
    limit: int = Field(20, ge=1, le=100)
