"""两书同达: the 信用修复告知书 issued with a penalty of our own units — numbered by the deciding
unit's district bureau, telling the subject from which day it may apply for repair, on what
conditions, with which materials, where, and that it costs nothing. Plain Python."""

from __future__ import annotations

from credit_common.contracts.events import RepairNoticeRequested
from credit_common.reference.organisation import CITY_BUREAU_CODE, Unit, unit

from workflow.domain import documents

KIND = "repair_notice"
KIND_LABEL = documents.TITLES[KIND]
#: what the notice says of the fee, word for word the policy's
FREE_OF_CHARGE = ("信用修复不收取任何费用。任何单位或个人以代办信用修复等名义向你（单位）收取费用的，"
                  "请提高警惕，并可向本机关反映。")
NUMERALS = "一二三四五六七八九十"


def issuer(requested: RepairNoticeRequested) -> Unit:
    """The deciding unit's district bureau, as for a case's documents."""
    return (documents.issuer(requested.deciding_unit_code)
            or documents.issuer(requested.district_code) or unit(CITY_BUREAU_CODE))


def _numbered(items: list[str]) -> str:
    """``1. …；2. …。``: a material's own name may hold a 、."""
    return "；".join(f"{i}. {text}" for i, text in enumerate(items, 1)) + "。"


def paragraphs(requested: RepairNoticeRequested, issuer_name: str, platform_url: str
               ) -> list[str]:
    decided = requested.decision_date
    deciding = unit(requested.deciding_unit_code)
    items: list[str] = []
    if requested.repairable and requested.earliest_date:
        earliest = requested.earliest_date
        items.append(f"你（单位）最早可于{earliest.year}年{earliest.month}月{earliest.day}日起"
                     f"申请信用修复（{requested.reason}）。")
        if requested.conditions:
            items.append("申请条件：" + _numbered(requested.conditions))
        if requested.materials:
            items.append("申请材料：" + _numbered(requested.materials))
        items.append(f"申请方式：登录信用修复平台（{platform_url}）在线申请，或向"
                     f"{deciding.name if deciding else issuer_name}提出申请。")
    else:
        items.append(f"{requested.reason}。")
    items.append(FREE_OF_CHARGE)
    return [
        f"本机关已于{decided.year}年{decided.month}月{decided.day}日对你（单位）作出行政处罚决定"
        f"（{requested.decision_number}），该行政处罚信息将依法向社会公示。"
        f"依据{requested.article or '有关规定'}（规则版本：{requested.rule_version}），"
        "现将信用修复有关事项告知如下：",
        *[f"{NUMERALS[i]}、{text}" for i, text in enumerate(items)],
        "本告知书与行政处罚决定书同时送达。扫描下方二维码或凭验证码可核验本告知书。",
    ]


def notice_content(requested: RepairNoticeRequested, issuer_unit: Unit, platform_url: str,
                   verify_url: str) -> dict:
    """The notice's content, in the shape a case's documents have."""
    return {"unit_name": issuer_unit.name,
            "case": {"subject_name": requested.subject_name,
                     "subject_uscc": requested.subject_code},
            "paragraphs": paragraphs(requested, issuer_unit.name, platform_url),
            "steps": [], "verify_url": verify_url}
