"""Requests the gateway sends to services (validated again by the service that owns them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from credit_common.contracts.vocabulary import RecordType


class SubmitApplication(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_type: RecordType
    subject_uscc: str = Field(min_length=15, max_length=18, description="统一社会信用代码或注册号")
    subject_name: str = Field(min_length=1, max_length=200)
    district_code: str = Field(pattern=r"^\d{6}$", description="登记机关所在区划代码")
