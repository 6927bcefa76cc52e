"""The application as a PDF, laid out the way the officer will read it (preview before
submission). Chinese text uses reportlab's built-in CID font STSong-Light, so nothing has to
be installed or embedded from the machine. The font is registered on the first preview, not
at import."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from credit_common.contracts.vocabulary import (APPLICATION_STATUS_LABELS,
                                                LISTING_REASON_LABELS, RECORD_TYPE_LABELS)

FONT = "STSong-Light"


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=11.5, leading=16, spaceBefore=6)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)


def _p(text) -> Paragraph:
    escaped = (str(text) if text not in (None, "") else "—").replace("&", "&amp;").replace(
        "<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    return Paragraph(escaped, BODY)


def _table(rows, widths) -> Table:
    table = Table([[_p(c) for c in row] for row in rows], colWidths=widths)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def render(detail: dict) -> bytes:
    """``detail`` is intake's application detail view (plain JSON)."""
    _register_font()
    subject = detail.get("subject") or {}
    form = detail.get("form") or {}
    story = [Paragraph("信用修复申请书", TITLE),
             Paragraph("（预览，提交后以受理编号为准）" if not detail.get("acceptance_number")
                       else f"受理编号：{detail['acceptance_number']}", BODY),
             Spacer(1, 4 * mm), Paragraph("一、申请主体", HEADING),
             _table([["市场主体名称", subject.get("name")],
                     ["统一社会信用代码/注册号", subject.get("code")],
                     ["法定代表人（负责人）", subject.get("legal_rep_name")],
                     ["住所", subject.get("address")],
                     ["申请类型", RECORD_TYPE_LABELS.get(detail["record_type"],
                                                     detail["record_type"])],
                     ["办理状态", APPLICATION_STATUS_LABELS.get(detail["status"],
                                                            detail["status"])]],
                    [45 * mm, 125 * mm]),
             Paragraph("二、申请修复的记录", HEADING)]
    rows = [["文书号", "日期", "原因或处罚", "作出单位"]]
    for record in detail.get("records", []):
        rows.append([record.get("decision_number") or record.get("listing_document_number"),
                     record.get("decision_date") or record.get("listing_date"),
                     LISTING_REASON_LABELS.get(record.get("listing_reason"))
                     or "、".join(record.get("penalty_kind_labels") or []),
                     record.get("deciding_unit_name") or record.get("listing_unit_name")])
    story += [_table(rows, [50 * mm, 25 * mm, 55 * mm, 40 * mm]),
              Paragraph("三、申请信息", HEADING),
              _table([["联系人", form.get("contact_name")],
                      ["联系电话", form.get("contact_phone")],
                      ["事实和理由", form.get("facts_and_reasons")]], [45 * mm, 125 * mm]),
              Paragraph("四、申请材料", HEADING)]
    materials = [["材料", "文件", "SHA-256"]] + [
        [m["kind_label"], m["file_name"], m["sha256"][:16] + "…"]
        for m in detail.get("materials", [])]
    story.append(_table(materials, [60 * mm, 60 * mm, 50 * mm]))
    signing = detail.get("signing") or {}
    story += [Paragraph("五、签章与签名", HEADING),
              _table([["企业电子签章", "已签章" if signing.get("e_seal") else "未签章"],
                      ["法定代表人签名", "已签名" if signing.get("legal_rep_signature")
                       else "未签名"],
                      ["内容摘要（SHA-256）", signing.get("content_hash")]],
                     [45 * mm, 125 * mm])]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="信用修复申请书", author="信用修复平台",
                      leftMargin=20 * mm, rightMargin=20 * mm).build(story)
    return buffer.getvalue()
