"""Request bodies both the applicant's and the officer's routes take: login and the
strict base every body uses (an unknown field is an error, not ignored)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Phone = Annotated[str, Field(pattern=r"^1[3-9]\d{9}$", description="11 位手机号码")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CodeRequest(Body):
    phone: Phone


class LoginRequest(Body):
    phone: Phone
    code: str = Field(min_length=1, max_length=12)


class RefreshRequest(Body):
    refresh_token: str = Field(min_length=10, max_length=200)
