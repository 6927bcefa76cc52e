"""Statistics over the cases the officer may see, and their export."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Response

from credit_common.contracts.vocabulary import RecordType
from gateway.api.deps import Caller, Officer
from gateway.api.downloads import download
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


STATISTICS_DESCRIPTION = """\
The cases the officer may see (an office: its own; a district bureau or its credit section:
the district; the city bureau: everything) that were **submitted** within the period
(Asia/Shanghai dates, both ends included; the default is this calendar year), optionally of one
district and one record type.

Per office (`by_unit`), district (`by_district`), record type (`by_record_type`) and in total:
`cases`; `decided` (不予受理, 准予修复 or 不予修复, even if closed or revoked since); `overdue`
(still running — 待受理 to 审批中 — past its due date; a decided case is never overdue, a
returned one waits for the applicant); `decided_late` (decided after its due date);
`average_working_days` (`average_handling_working_days` in total): working days **from
acceptance to decision** — after the acceptance day, up to and including the decision day, on
the working-day calendar (statutory holidays, 调休 and the override table) — over the accepted
and decided cases (`averaged_cases`); null when there are none. `paused`: cases returned for
correction (退回补正) and not yet resubmitted, whose clock stands still; `paused_cases`: cases
returned at least once; `average_paused_working_days`: the working days those spent returned,
every pause, a running one up to today; null when there are none. `by_status`: cases per
current status. `monthly`: per month of the period, cases `submitted` and decisions made (`decided`,
counted in the month of the decision whatever the submission date).

Errors (422): `INVALID_DATE`, `INVALID_PERIOD` (from after to), `PERIOD_TOO_LONG` (over three
years), `UNKNOWN_DISTRICT`, `VALIDATION_FAILED` (unknown record type); 403
`DISTRICT_NOT_IN_SCOPE` for a district outside the officer's."""

PeriodFrom = Annotated[str | None, Query(alias="from", max_length=10,
                                         description="统计期间开始日期 YYYY-MM-DD（默认今年 1 月 1 日）")]
PeriodTo = Annotated[str | None, Query(alias="to", max_length=10,
                                       description="统计期间结束日期 YYYY-MM-DD（默认今年 12 月 31 日）")]
District = Annotated[str | None, Query(max_length=6, description="区划代码，如 440106")]


def _statistics_filters(period_from, period_to, district, record_type) -> dict:
    return {"from": period_from, "to": period_to, "district_code": district,
            "record_type": record_type.value if record_type else None}


@router.get("/statistics", summary="统计：按单位、区划、类型、状态、超期、平均办理工作日及按月趋势",
            description=STATISTICS_DESCRIPTION)
async def statistics(officer: Officer, call: Caller, period_from: PeriodFrom = None,
                     period_to: PeriodTo = None, district: District = None,
                     record_type: RecordType | None = None):
    return await call("workflow", "statistics", officer_id=officer.id,
                      filters=_statistics_filters(period_from, period_to, district, record_type))


@router.get("/statistics/export", summary="导出统计（CSV 或 Excel），筛选条件同统计",
            response_class=Response,
            description="The figures of `GET /statistics` as a download with a Chinese file "
                        "name: `format=csv` (UTF-8 with BOM, one table after another under its "
                        "title) or `format=xlsx` (one sheet per table).")
async def export_statistics(officer: Officer, call: Caller, period_from: PeriodFrom = None,
                            period_to: PeriodTo = None, district: District = None,
                            record_type: RecordType | None = None,
                            file_format: Annotated[Literal["csv", "xlsx"], Query(
                                alias="format", description="csv 或 xlsx")] = "csv"):
    found = await call("workflow", "statistics_export", officer_id=officer.id,
                       filters=_statistics_filters(period_from, period_to, district,
                                                   record_type),
                       file_format=file_format, timeout_s=30)
    return download(found, found["content_type"])
