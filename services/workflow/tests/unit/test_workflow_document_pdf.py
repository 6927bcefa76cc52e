"""The decision documents' PDF: the Chinese font is embedded and the text reads back; the QR
code is drawn as runs of dark modules that cover exactly the dark modules segno made."""

from __future__ import annotations

import io
import itertools
from datetime import date

import segno
from pypdf import PdfReader

from workflow.adapters import documents_pdf
from workflow.domain import documents

URL = "http://127.0.0.1:8000/api/v1/public/documents/verify?code=ABCDEF123456"


def test_the_runs_cover_exactly_the_dark_modules():
    matrix = segno.make(URL, error="m").matrix
    painted = {(x + i, y) for x, y, length in documents_pdf.dark_runs(matrix)
               for i in range(length)}
    dark = {(x, y) for y, row in enumerate(matrix) for x, on in enumerate(row) if on}
    assert painted == dark
    # runs are maximal: two runs of one row never touch
    runs = sorted(documents_pdf.dark_runs(matrix), key=lambda r: (r[1], r[0]))
    for (x1, y1, n1), (x2, y2, _n2) in itertools.pairwise(runs):
        assert y1 != y2 or x1 + n1 < x2


def test_a_document_renders_as_a_pdf():
    case = {"subject_name": "广州测试文书科技有限公司", "subject_uscc": "91440106MA59ABCD1M",
            "submitted_at": "2026-11-20T10:00:00+08:00", "record_type": "penalty_publicity",
            "acceptance_number": "XF-440106-20261120-000001"}
    pdf = documents_pdf.render("repair_decision", "穗天市监信修〔2026〕1号", "广州市天河区市场监督管理局",
                               date(2026, 11, 26), case,
                               documents.paragraphs("repair_decision", case, None, None), [],
                               URL, "ABCDEF123456")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    # the Chinese font travels inside the file (a TrueType subset), not as a name to look up
    assert b"/FontFile2" in pdf and b"UMingCN" in pdf
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "准予信用修复决定书" in text and "穗天市监信修〔2026〕1号" in text
