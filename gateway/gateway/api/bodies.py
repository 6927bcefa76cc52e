"""Request bodies both the applicant's and the officer's routes take: login and the
strict base every body uses (an unknown field is an error, not ignored)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from credit_common.contracts.vocabulary import CaseAction, OfficerRole

Phone = Annotated[str, Field(pattern=r"^1[3-9]\d{9}$", description="11 位手机号码")]


def one_of(codes: type[StrEnum]) -> Any:
    """A field taking one of the vocabulary's codes, described inline as its values."""
    return Literal[tuple(code.value for code in codes)]


#: an officer's action on a case, and an officer's role (credit_common's vocabulary)
ActionName = one_of(CaseAction)
RoleName = one_of(OfficerRole)


def _carries_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_carries_nul(k) or _carries_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_carries_nul(v) for v in value)
    return False


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data):
        # PostgreSQL cannot store a NUL character: a 422 here, not a service's failure
        if _carries_nul(data):
            raise ValueError("文本中含有不允许的空字符")
        return data


class CodeRequest(Body):
    phone: Phone


class LoginRequest(Body):
    phone: Phone
    code: str = Field(min_length=1, max_length=12)


class RefreshRequest(Body):
    refresh_token: str = Field(min_length=10, max_length=200)
