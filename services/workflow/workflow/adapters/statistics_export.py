"""The statistics as a file to download: CSV (UTF-8 with a byte order mark, so Excel reads the
Chinese) or an Excel workbook. Both hold the same tables: an overview, then one table per
breakdown the statistics page charts."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

FIGURE_HEADERS = ["案件数", "已作出决定", "超期未办结", "超期作出决定", "平均办理工作日（受理至决定）"]
SCOPE_LEVELS = {"unit": "本单位", "district": "本区", "city": "全市"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _figures(row: dict) -> list:
    return [row["cases"], row["decided"], row["overdue"], row["decided_late"],
            row["average_working_days"]]


def tables(view: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) of every table, in the order the page shows them."""
    scope = view["scope"]
    where = scope.get("unit_name") if scope["level"] == "unit" else \
        scope.get("district_name") if scope["level"] == "district" else "广州市"
    filters = view["filters"]
    district = next((d["district_name"] for d in view["by_district"]
                     if d["district_code"] == filters["district_code"]), "全部")
    record_type = next((t["record_type_label"] for t in view["by_record_type"]
                        if t["record_type"] == filters["record_type"]), "全部")
    overview = [
        ["统计期间", f"{view['period']['from']} 至 {view['period']['to']}"],
        ["统计范围", f"{SCOPE_LEVELS.get(scope['level'], '')}（{where or ''}）"],
        ["区划", district], ["类型", record_type],
        ["案件数", view["cases"]], ["已作出决定", view["decided"]],
        ["超期未办结", view["overdue"]], ["超期作出决定", view["decided_late"]],
        ["平均办理工作日（受理至决定）", view["average_handling_working_days"]],
        ["补正中（暂停计时）", view["paused"]], ["曾退回补正", view["paused_cases"]],
        ["平均补正用时（工作日）", view["average_paused_working_days"]],
        ["统计日期", view["as_of"]],
    ]
    return [
        ("概况", ["项目", "数值"], overview),
        ("按单位", ["单位代码", "单位", *FIGURE_HEADERS],
         [[r["unit_code"], r["unit_name"], *_figures(r)] for r in view["by_unit"]]),
        ("按区划", ["区划代码", "区划", *FIGURE_HEADERS],
         [[r["district_code"], r["district_name"], *_figures(r)] for r in view["by_district"]]),
        ("按类型", ["类型代码", "类型", *FIGURE_HEADERS],
         [[r["record_type"], r["record_type_label"], *_figures(r)]
          for r in view["by_record_type"]]),
        ("按状态", ["状态代码", "状态", "案件数"],
         [[r["status"], r["status_label"], r["cases"]] for r in view["by_status"]]),
        ("按月趋势", ["月份", "提交案件数", "作出决定数"],
         [[r["month"], r["submitted"], r["decided"]] for r in view["monthly"]]),
    ]


def file_name(view: dict, file_format: str) -> str:
    return f"信用修复统计_{view['period']['from']}至{view['period']['to']}.{file_format}"


def to_csv(view: dict) -> bytes:
    """Each table under its title, a blank line between tables; no average is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, (title, header, rows) in enumerate(tables(view)):
        if index:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(view: dict) -> bytes:
    """One sheet per table, the header in bold, columns wide enough for the Chinese."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in tables(view):
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column, name in zip(sheet.columns, header, strict=False):
            longest = max([len(str(name)) * 2] + [len(str(c.value or "")) * 2
                                                  for c in column])
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, longest))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(view: dict, file_format: str) -> tuple[bytes, str]:
    """The file's bytes and its media type."""
    content = to_xlsx(view) if file_format == "xlsx" else to_csv(view)
    return content, MEDIA_TYPES[file_format]
