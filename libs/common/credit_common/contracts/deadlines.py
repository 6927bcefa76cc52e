"""Deadline rules as data: the shape a version must have before it is stored (workflow checks
it, the gateway documents and checks the same model). Working days throughout."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

#: a statutory limit is counted in weeks, never months: anything above is a typing error
DecideDays = Annotated[int, Field(strict=True, ge=1, le=60)]
#: no control characters: a name shown on the page and printed in documents
Text = Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f]+$")]


class DecideWorkingDays(BaseModel):
    """Decide within these working days after acceptance, one figure per record type."""

    model_config = ConfigDict(extra="forbid")

    serious_illegal_list: DecideDays
    abnormal_operation_list: DecideDays
    individual_abnormal_status: DecideDays
    cooperative_abnormal_list: DecideDays
    penalty_publicity: DecideDays
    other_department_penalty: DecideDays
    #: a temporary repair during bankruptcy reorganisation (an application type, not a record)
    bankruptcy_reorganisation: DecideDays = 15


class DeadlineRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accept_working_days: int = Field(strict=True, ge=1, le=20,
                                     description="提交后几个工作日内受理（或不予受理）")
    decide_working_days: DecideWorkingDays = Field(description="受理后几个工作日内作出决定，按记录类型")
    remind_working_days_before: int = Field(
        strict=True, ge=0, le=10, description="到期前几个工作日提醒承办单位（0：到期当日提醒）")


class DeadlineRuleVersionCreate(BaseModel):
    """A new version of the deadline rules, in force from ``effective_from``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: Text = Field(min_length=1, max_length=40, description="版本号，如 2026.1")
    effective_from: date = Field(description="生效日期（须晚于今天）")
    source: Text = Field(min_length=1, max_length=500, description="依据（文件名称、文号）")
    rules: DeadlineRules
