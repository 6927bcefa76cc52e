"""Uploaded materials: what kinds exist, which file types are accepted (judged by content,
never by the name), and how a file name is made safe to store and show."""

from __future__ import annotations

import re
import unicodedata

MATERIAL_KINDS = {
    "application_form": "信用修复申请书",
    "commitment": "信用承诺书",
    "fulfilment_proof": "履行法定义务、纠正违法行为的证明材料",
    "correction_proof": "已补报年报、更正信息或住所可联系的证明材料",
    "other_department_repair_decision": "作出处罚的其他部门出具的信用修复决定",
    "legal_rep_document": "法定代表人（负责人）身份证件",
    "special_circumstances_proof": "法定代表人无法签名的特殊情况证明材料",
    "other": "其他材料",
}

#: content type -> the bytes a file of that type starts with
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

_UNSAFE = re.compile(r"[^\w.\-()（）\u4e00-\u9fff]+")


def sniff_content_type(head: bytes) -> str | None:
    """The accepted type the bytes really are, or None (an executable renamed .pdf is None)."""
    for content_type, prefixes in SIGNATURES.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            return content_type
    return None


def safe_file_name(name: str, content_type: str) -> str:
    """Keep the readable part of what the applicant called the file, nothing a path or a
    shell could misread; the extension always matches the real content."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem).strip("._")[:80] or "材料"
    return stem + EXTENSIONS[content_type]
