"""Official documents as PDF: Chinese text in an embedded Song (明体) typeface, the document
number, and a verification code with a QR code pointing to the public verification endpoint.

The font is AR PL UMing CN from Debian's ``fonts-arphic-uming`` (``make run`` installs it);
reportlab embeds the subset of glyphs each document uses, so every reader shows the same
shapes and nothing depends on the fonts of the machine that opens the file. It is loaded on
the first document, not at import: only the renderer process pays for it."""

from __future__ import annotations

import io
import pathlib
from datetime import date

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from workflow.domain.documents import TITLES

FONT = "ARPLUMingCN"
FONT_FILE = pathlib.Path("/usr/share/fonts/truetype/arphic/uming.ttc")
FONT_INDEX = 0  # AR PL UMing CN: the simplified-Chinese face of the collection


def _register_font() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    if not FONT_FILE.exists():
        raise RuntimeError(f"the documents' font {FONT_FILE} is missing: install Debian's "
                           "fonts-arphic-uming (scripts/ensure-infra.sh does)")
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=FONT_INDEX))


TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1)
NUMBER = ParagraphStyle("number", fontName=FONT, fontSize=11, leading=16, alignment=1)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=11.5, leading=19, firstLineIndent=23)
PLAIN = ParagraphStyle("plain", fontName=FONT, fontSize=10, leading=14)
RIGHT = ParagraphStyle("right", fontName=FONT, fontSize=11.5, leading=19, alignment=2)


def _escape(text) -> str:
    return (str(text) if text not in (None, "") else "—").replace("&", "&amp;").replace(
        "<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


class QrCode(Flowable):
    def __init__(self, url: str, size: float = 28 * mm):
        super().__init__()
        self.matrix = segno.make(url, error="m").matrix
        self.size = size
        self.width = self.height = size

    def draw(self):
        # one filled path of the dark runs of each row: a shape per module cost most of the
        # document's rendering time
        cell = self.size / len(self.matrix)
        path = self.canv.beginPath()
        for x, y, length in dark_runs(self.matrix):
            path.rect(x * cell, self.size - (y + 1) * cell, length * cell, cell)
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def dark_runs(matrix) -> list[tuple[int, int, int]]:
    """(column, row, length) of every horizontal run of dark modules."""
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                end = x
                while end < len(row) and row[end]:
                    end += 1
                runs.append((x, y, end - x))
                x = end
            else:
                x += 1
    return runs


def render(kind: str, number: str, unit_name: str, issued_on: date, case: dict,
           paragraphs: list[str], steps: list[dict], verify_url: str,
           verification_code: str) -> bytes:
    _register_font()
    story = [Paragraph(_escape(unit_name), NUMBER), Spacer(1, 2 * mm),
             Paragraph(TITLES[kind], TITLE), Paragraph(_escape(number), NUMBER),
             Spacer(1, 6 * mm),
             Paragraph(f"{_escape(case['subject_name'])}（统一社会信用代码/注册号："
                       f"{_escape(case['subject_uscc'])}）：", PLAIN), Spacer(1, 2 * mm)]
    story += [Paragraph(_escape(text), BODY) for text in paragraphs]
    if kind == "approval_form" or steps:
        rows = [["环节", "单位", "经办人", "意见", "时间"]] + [
            [s["action_label"], s["unit_name"] or s["unit_code"], s["officer_name"],
             (s["opinion"] or "") + (f"（转至{s['target_unit_name']}）"
                                     if s.get("target_unit_name") else ""),
             s["occurred_at"][:16].replace("T", " ")] for s in steps]
        table = Table([[Paragraph(_escape(c), PLAIN) for c in row] for row in rows],
                      colWidths=[22 * mm, 40 * mm, 20 * mm, 55 * mm, 30 * mm])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [Spacer(1, 4 * mm), table]
    story += [Spacer(1, 10 * mm), Paragraph(_escape(unit_name), RIGHT),
              Paragraph(f"{issued_on.year}年{issued_on.month}月{issued_on.day}日", RIGHT),
              Spacer(1, 8 * mm),
              Table([[QrCode(verify_url),
                      Paragraph(f"验证码：{verification_code}<br/>扫描二维码或访问<br/>"
                                f"{_escape(verify_url)}<br/>核验本文书编号、当事人、日期及内容摘要。",
                                PLAIN)]], colWidths=[32 * mm, 130 * mm])]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=TITLES[kind], author=unit_name,
                      leftMargin=20 * mm, rightMargin=20 * mm).build(story)
    return buffer.getvalue()
