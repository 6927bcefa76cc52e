"""Pydantic's validation errors as a person reads them: each field that failed, with a
Chinese message, for an error's details, an import's error file or a dead letter's reason."""

from __future__ import annotations

from pydantic import ValidationError

#: pydantic error type -> message; ``{…}`` are taken from the error's context
_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文本",
    "string_too_short": "长度不得少于 {min_length} 个字符",
    "string_too_long": "长度不得超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "不是有效的日期（应为 YYYY-MM-DD）",
    "date_from_datetime_parsing": "不是有效的日期（应为 YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期，不含时刻",
    "datetime_parsing": "不是有效的时间",
    "datetime_type": "不是有效的时间",
    "uuid_parsing": "不是有效的 UUID",
    "uuid_type": "不是有效的 UUID",
    "decimal_parsing": "应为数值",
    "decimal_type": "应为数值",
    "decimal_max_digits": "数值位数过多",
    "decimal_max_places": "小数位数过多",
    "greater_than_equal": "不得小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不得大于 {le}",
    "less_than": "应小于 {lt}",
    "enum": "取值无效，可选：{expected}",
    "literal_error": "取值无效，可选：{expected}",
    "json_invalid": "不是有效的 JSON",
}


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "value_error":  # our own validators speak Chinese already
        return str(error.get("ctx", {}).get("error", error.get("msg", "")))
    template = _MESSAGES.get(kind)
    if template is None:
        return "取值无效"
    context = dict(error.get("ctx", {}))
    if "expected" in context:  # "'a', 'b' or 'c'"
        context["expected"] = str(context["expected"]).replace("' or '", "', '").replace(
            "', '", "'、'")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("，：") or "取值无效"


def field_errors(exc: ValidationError, prefix: str = "") -> list[dict]:
    """``[{"field": "a.b", "message": "…"}]``, one per error, in pydantic's order."""
    found = []
    for error in exc.errors():
        location = ".".join(str(p) for p in error.get("loc", ()))
        field = ".".join(p for p in (prefix, location) if p)
        found.append({"field": field, "message": _message(error)})
    return found


def describe(errors: list[dict], limit: int = 1500) -> str:
    """One line: ``字段 a.b：应为整数；字段 c：缺少必填字段``."""
    text = "；".join(f"{e['field'] or '内容'}：{e['message']}" for e in errors)
    return text[:limit]
