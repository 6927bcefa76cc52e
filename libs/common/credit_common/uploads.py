"""Uploaded files judged by their content, never by their name (``check_upload``): a PDF is
opened with pypdf and refused if it carries JavaScript, a launch action or an embedded file, or
hides a ZIP archive; an image is decoded with Pillow and kept re-encoded, so whatever rode
along (EXIF with GPS, text chunks, an appended archive) is not kept. Every refusal is a
``ValidationFailed`` with a stable code and a Chinese message. Shared by every service that
takes a file (intake's materials, disclosure's withdrawal rulings)."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from credit_common.errors import ValidationFailed

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


def check_file_name(name: str) -> None:
    """A path, or control and format characters (NUL; U+202E, which makes "fdp.exe" read
    "exe.pdf"), never come from a file picker: an upload named so is refused."""
    name = unicodedata.normalize("NFKC", name or "")
    if any(c in "/\\" or unicodedata.category(c)[0] == "C" for c in name):
        raise ValidationFailed("FILE_NAME_INVALID", "文件名含有路径或控制字符，请重命名后上传",
                               {"field": "file"})


def safe_file_name(name: str, content_type: str) -> str:
    """Keep the readable part of what the applicant called the file, nothing a path or a
    shell could misread; the extension always matches the real content."""
    name = unicodedata.normalize("NFKC", name or "")
    # control and format characters (NUL; U+202E, which makes "fdp.exe" read "exe.pdf") go
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem).strip("._")[:80] or "材料"
    return stem + EXTENSIONS[content_type]


# -- judging an upload by parsing it --------------------------------------------------------

@dataclass(frozen=True)
class CheckedFile:
    """What is stored: the real type, and the bytes kept (an image re-encoded, a PDF as sent)."""

    content_type: str
    content: bytes


def check_upload(content: bytes, max_bytes: int) -> CheckedFile:
    """The file to store, or ``ValidationFailed`` saying why not (never another exception)."""
    if len(content) > max_bytes:
        raise ValidationFailed("FILE_TOO_LARGE", f"单个文件不能超过 {max_bytes // (1024 * 1024)} MB",
                               {"max_bytes": max_bytes})
    if not content:
        raise ValidationFailed("EMPTY_FILE", "文件内容为空", {"field": "file"})
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise ValidationFailed("UNSUPPORTED_FILE_TYPE",
                               "仅支持 PDF、JPEG、PNG 格式的文件（按文件内容判断）", {"field": "file"})
    if content_type == "application/pdf":
        check_pdf(content)
        return CheckedFile(content_type, content)
    return CheckedFile(content_type, reencode_image(content, content_type))


# - PDF

#: stream bodies are compressed data, where any bytes may occur by chance
_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.S)
#: a literal string without parentheses inside (nested ones go, innermost first, pass by pass)
_PDF_LITERAL = re.compile(rb"\((?:[^()\\]|\\.)*\)", re.S)
_PDF_COMMENT = re.compile(rb"%[^\r\n]*")
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
#: a ZIP's local file header, central directory header and end of central directory
_ZIP_SIGNATURE = re.compile(rb"PK\x03\x04|PK\x01\x02|PK\x05\x06")
_ACTIVE_NAMES = {"/JS", "/JavaScript", "/Launch"}
_EMBEDDED_NAMES = {"/EmbeddedFiles", "/EmbeddedFile", "/FileAttachment", "/EF"}


def _active_content(found: str) -> ValidationFailed:
    return ValidationFailed("PDF_ACTIVE_CONTENT", "PDF 含有脚本或启动外部程序的动作，请导出为普通 PDF 后上传",
                            {"field": "file", "found": found})


def _embedded_file(found: str) -> ValidationFailed:
    return ValidationFailed("PDF_EMBEDDED_FILE", "PDF 内嵌了其他文件（附件），请去除附件后上传",
                            {"field": "file", "found": found})


def _unreadable_pdf() -> ValidationFailed:
    return ValidationFailed("PDF_UNREADABLE", "PDF 文件已损坏或无法解析，请重新导出后上传",
                            {"field": "file"})


def _forbidden_name(name: str) -> ValidationFailed | None:
    if name in _ACTIVE_NAMES:
        return _active_content(name)
    if name in _EMBEDDED_NAMES:
        return _embedded_file(name)
    return None


def check_pdf(content: bytes) -> None:
    """Refuse a PDF that is also a ZIP archive, that pypdf cannot open, or that holds
    JavaScript, a launch action or an embedded file anywhere a reader could find it."""
    outside_streams = _PDF_STREAM.sub(b"", content)
    if _ZIP_SIGNATURE.search(outside_streams) or zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationFailed("FILE_POLYGLOT", "文件同时是压缩包（多格式混合文件），不予接收",
                               {"field": "file"})
    # names as written, even ones a strict parser would never reach (#xx escapes decoded)
    for raw in _PDF_NAME.findall(_pdf_syntax(outside_streams)):
        name = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        if refusal := _forbidden_name(name.decode("latin-1")):
            raise refusal
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise ValidationFailed("PDF_ENCRYPTED",
                                   "PDF 设置了打开密码，无法检查内容，请去除密码后上传",
                                   {"field": "file"})
        _walk_pdf(reader)
        if len(reader.pages) == 0:
            raise _unreadable_pdf()
    except ValidationFailed:
        raise
    except Exception:  # noqa: BLE001 - a hostile file may break the parser any way it likes
        raise _unreadable_pdf() from None


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are encrypted only to restrict printing or copying, with an empty password."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - an unknown or unsupported cipher: it stays closed
        return False


def _pdf_syntax(outside_streams: bytes) -> bytes:
    """The objects' text without strings and comments, where a URL like ``…/JS/app`` may be."""
    text = outside_streams
    for _ in range(32):
        text, replaced = _PDF_LITERAL.subn(b" ", text)
        if not replaced:
            break
    return _PDF_COMMENT.sub(b" ", text)


def _walk_pdf(reader: PdfReader) -> None:
    """Every object reachable from the trailer, each once; no recursion (depth is the file's)."""
    seen: set[tuple[int, int]] = set()
    pending: list = [reader.trailer]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key in item:
                if refusal := _forbidden_name(str(key)):
                    raise refusal
            for key in ("/S", "/Type", "/Subtype"):
                value = item.get(key)
                value = value.get_object() if isinstance(value, IndirectObject) else value
                if isinstance(value, str) and (refusal := _forbidden_name(str(value))):
                    raise refusal
            pending.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))


# - images

_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# between Pillow's pixel limit and twice it Pillow only warns; such images are refused below
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a photo with broken EXIF is kept unturned, not refused
        return image.copy()


def reencode_image(content: bytes, content_type: str) -> bytes:
    """The picture alone, re-encoded: an appended archive (a JPEG/ZIP polyglot) is not
    refused but dropped with EXIF, GPS, comments and text chunks; a decompression bomb is."""
    fmt = _PILLOW_FORMATS[content_type]
    unreadable = ValidationFailed("IMAGE_UNREADABLE", "图片已损坏或无法识别，请重新拍摄或导出后上传",
                                  {"field": "file"})
    too_large = ValidationFailed("IMAGE_TOO_LARGE",
                                 f"图片像素过多（上限 {Image.MAX_IMAGE_PIXELS} 像素），请缩小后上传",
                                 {"field": "file", "max_pixels": Image.MAX_IMAGE_PIXELS})
    try:
        with Image.open(io.BytesIO(content), formats=[fmt]) as image:
            width, height = image.size
            # refused on the header's size, before a pixel is decoded
            if width * height > Image.MAX_IMAGE_PIXELS:
                raise too_large
            image.load()
            # the EXIF orientation is applied to the pixels, as the EXIF is not kept
            upright = _upright(image)
            transparency = upright.info.get("transparency")
            upright.info = {"transparency": transparency} if transparency is not None else {}
            out = io.BytesIO()
            if fmt == "JPEG":
                upright.save(out, "JPEG", quality=90)
            else:
                upright.save(out, "PNG")
            return out.getvalue()
    except ValidationFailed:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except Exception:  # noqa: BLE001 - a hostile file may break the decoder any way it likes
        raise unreadable from None
