"""Uploads judged by parsing them: a corpus of hostile and harmless files (PDFs built with
pypdf's writer, images with Pillow), each refused with its code or stored clean, and the
quotas of ``add_material`` with an in-memory unit of work."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile

import pytest
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DictionaryObject, NameObject, NumberObject,
                           TextStringObject)

from credit_common import uploads
from credit_common.clock import now
from credit_common.contracts.registry import RegistryRecord
from credit_common.errors import Conflict, ValidationFailed
from credit_common.testing.files import minimal_jpeg, minimal_pdf, minimal_png
from credit_common.testing.payloads import registry_record
from intake import handlers
from intake.domain.materials import check_file_name, check_upload, safe_file_name
from intake.domain.model import Application
from intake.file_store import FileStore

MAX = 10 * 1024 * 1024


# -- the corpus ------------------------------------------------------------------------------

def pdf(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_action(script: str = "app.alert('x')") -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                             NameObject("/JS"): TextStringObject(script)})


def with_names_tree_javascript(writer: PdfWriter) -> None:
    """Document-level JavaScript, as Acrobat writes it: the catalog's /Names /JavaScript."""
    action = writer._add_object(javascript_action())
    writer._root_object[NameObject("/Names")] = DictionaryObject({
        NameObject("/JavaScript"): DictionaryObject({
            NameObject("/Names"): ArrayObject([TextStringObject("init"), action])})})


def with_open_action_javascript(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(javascript_action())


def with_launch(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})


def with_attachment(writer: PdfWriter) -> None:
    writer.add_attachment("invoice.exe", b"MZ\x90\x00" + b"\x00" * 64)


def with_link(writer: PdfWriter) -> None:
    # a URL whose path looks like a PDF name must not be mistaken for one
    writer.add_uri(0, "https://www.gsxt.gov.cn/JS/Launch/EmbeddedFile", [50, 50, 200, 80])


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ\x90\x00" + b"\x00" * 200)
    return out.getvalue()


def png_with_metadata() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6  # taken held sideways: the pixels must be turned
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N",
                                  ExifTags.GPS.GPSLatitude: (23.0, 7.0, 30.0)}
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "陈大文 13800138000")  # not Latin-1: an iTXt chunk
    text.add_text("Software", "ScanApp 2.1")  # a tEXt chunk
    text.add_itxt("Comment", "内部备注")
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "PNG", pnginfo=text,
                                                   exif=exif.tobytes())
    return out.getvalue()


def refusal(content: bytes, max_bytes: int = MAX) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as raised:
        check_upload(content, max_bytes)
    assert any("\u4e00" <= c <= "\u9fff" for c in raised.value.message)  # a Chinese message
    return raised.value


@pytest.mark.parametrize("content, code", [
    pytest.param(b"MZ\x90\x00" + b"\x00" * 200, "UNSUPPORTED_FILE_TYPE", id="renamed-exe"),
    pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "UNSUPPORTED_FILE_TYPE", id="elf"),
    pytest.param(b"", "EMPTY_FILE", id="zero-bytes"),
    pytest.param(pdf(with_names_tree_javascript), "PDF_ACTIVE_CONTENT", id="names-javascript"),
    pytest.param(pdf(with_open_action_javascript), "PDF_ACTIVE_CONTENT",
                 id="openaction-javascript"),
    pytest.param(pdf(with_launch), "PDF_ACTIVE_CONTENT", id="launch"),
    pytest.param(pdf(with_attachment), "PDF_EMBEDDED_FILE", id="embedded-file"),
    pytest.param(minimal_pdf() + zip_archive(), "FILE_POLYGLOT", id="pdf-zip-appended"),
    pytest.param(minimal_pdf() + b"PK\x03\x04" + b"\x00" * 26, "FILE_POLYGLOT",
                 id="zip-header-after-eof"),
    pytest.param(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "PDF_UNREADABLE",
                 id="pdf-magic-only"),
    pytest.param(minimal_pdf()[:200], "PDF_UNREADABLE", id="truncated-pdf"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "IMAGE_UNREADABLE", id="png-magic-only"),
    pytest.param(minimal_jpeg()[:40], "IMAGE_UNREADABLE", id="truncated-jpeg"),
])
def test_a_hostile_or_broken_file_is_refused_with_its_code(content, code):
    assert refusal(content).code == code


def test_what_was_found_is_named():
    assert refusal(pdf(with_launch)).details["found"] == "/Launch"
    assert refusal(pdf(with_open_action_javascript)).details["found"] in ("/JS", "/JavaScript")


def test_an_escaped_name_is_read_as_the_name_it_spells():
    # /J#61vaScript is /JavaScript to every reader (the offsets shift: pypdf repairs them)
    hidden = pdf(with_open_action_javascript).replace(b"/JavaScript", b"/J#61vaScript")
    assert b"/JavaScript" not in hidden
    assert refusal(hidden).code == "PDF_ACTIVE_CONTENT"


@pytest.mark.parametrize("build, code", [
    (with_names_tree_javascript, "PDF_ACTIVE_CONTENT"),
    (with_open_action_javascript, "PDF_ACTIVE_CONTENT"),
    (with_launch, "PDF_ACTIVE_CONTENT"),
    (with_attachment, "PDF_EMBEDDED_FILE"),
])
def test_the_object_walk_finds_them_without_the_text_scan(build, code):
    """What a compressed object stream hides from a scan of the bytes, pypdf still reads."""
    with pytest.raises(ValidationFailed) as raised:
        uploads._walk_pdf(PdfReader(io.BytesIO(pdf(build))))
    assert raised.value.code == code


def test_a_file_attachment_annotation_is_an_embedded_file():
    def annotate(writer):
        spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"),
                                 NameObject("/F"): TextStringObject("a.txt")})
        annotation = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/FS"): spec})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])

    assert refusal(pdf(annotate)).code == "PDF_EMBEDDED_FILE"


def test_an_ordinary_pdf_is_stored_as_sent_even_with_a_link():
    for content in (minimal_pdf(), minimal_pdf(pages=3), pdf(with_link)):
        checked = check_upload(content, MAX)
        assert checked.content_type == "application/pdf" and checked.content == content


def test_a_pdf_encrypted_with_an_open_password_cannot_be_checked():
    def encrypt(writer):
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")

    assert refusal(pdf(encrypt)).code == "PDF_ENCRYPTED"


def test_a_pdf_restricted_only_by_an_owner_password_is_checked_and_kept():
    def restrict(writer):
        writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")

    content = pdf(restrict)
    assert check_upload(content, MAX).content == content


def test_a_jpeg_with_an_appended_zip_is_stored_as_the_clean_picture():
    content = minimal_jpeg((32, 32), (10, 120, 200)) + zip_archive()
    checked = check_upload(content, MAX)
    assert checked.content_type == "image/jpeg"
    assert b"PK\x03\x04" not in checked.content and not zipfile.is_zipfile(
        io.BytesIO(checked.content))
    assert len(checked.content) < len(content)
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.format == "JPEG" and image.size == (32, 32)


def test_a_png_loses_its_metadata_and_is_turned_upright():
    content = png_with_metadata()
    checked = check_upload(content, MAX)
    assert checked.content_type == "image/png"
    for leaked in (b"13800138000", "陈大文".encode(), b"PhoneMaker", b"eXIf", b"tEXt", b"iTXt"):
        assert leaked in content and leaked not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (20, 40)  # EXIF orientation 6 applied to the pixels
        assert not image.getexif() and not image.text


def test_a_clean_png_comes_out_as_it_went_in():
    assert check_upload(minimal_png(), MAX).content == minimal_png()


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 million pixels in a few KB
    assert len(out.getvalue()) < 100_000
    bomb = refusal(out.getvalue())
    assert bomb.code == "IMAGE_TOO_LARGE" and bomb.details["max_pixels"] == Image.MAX_IMAGE_PIXELS


def test_an_oversized_file_is_refused_before_it_is_parsed():
    too_large = refusal(minimal_pdf() + b" " * 1024, max_bytes=1024)
    assert too_large.code == "FILE_TOO_LARGE" and too_large.details["max_bytes"] == 1024


# -- names -----------------------------------------------------------------------------------

def test_file_names_lose_paths_and_invisible_characters():
    assert safe_file_name("../../x.pdf", "application/pdf") == "x.pdf"
    assert safe_file_name("..\\..\\x.pdf", "application/pdf") == "x.pdf"
    # U+202E shows "报告\u202efdp.exe" as "报告exe.pdf"; NUL ends a C string early
    assert safe_file_name("报告\u202efdp.exe", "application/pdf") == "报告fdp.pdf"
    assert safe_file_name("证明\x00.pdf.exe", "image/png") == "证明.pdf.png"
    assert safe_file_name("\u202e\x00", "image/jpeg") == "材料.jpg"
    for name in ("a\x00b\u202ec\u200bd.pdf", "../..\x00/\u202e.pdf"):
        cleaned = safe_file_name(name, "application/pdf")
        assert "/" not in cleaned and "\x00" not in cleaned and "\u202e" not in cleaned
        assert cleaned.endswith(".pdf")


# -- add_material: quotas, and what is stored --------------------------------------------------

class FakeMaterials:
    def __init__(self, in_application=0, of_owner=0):
        self.held = (in_application, of_owner)
        self.rows = []

    def counts(self, application):
        return self.held

    def add(self, material):
        self.rows.append(material)


class FakeApplications:
    def __init__(self, application):
        self.application = application

    def get(self, application_id, for_update=False):
        return self.application if str(application_id) == str(self.application.id) else None


class FakeUnitOfWork:
    def __init__(self, application, **counts):
        self.applications = FakeApplications(application)
        self.materials = FakeMaterials(**counts)


@pytest.fixture
def draft():
    applicant = uuid.uuid4()
    application = Application.draft(
        applicant_id=applicant, subject={"code": "91440106MA59ABCD1X", "name": "测试公司"},
        record_type="abnormal_operation_list",
        records=[RegistryRecord.model_validate(registry_record(
            record_type="abnormal_operation_list", district_code="440106"))], form={},
        rule_version="2021.1", at=now())
    return str(applicant), application


def add(draft, content, tmp_path, **counts):
    applicant, application = draft
    uow = FakeUnitOfWork(application, **counts)
    material = handlers.add_material(applicant, str(application.id), "other", "照片.png",
                                     content, MAX, FileStore(tmp_path), uow,
                                     max_per_application=20, max_per_applicant=200)
    return material, uow


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_the_stored_hash_and_size_are_of_the_re_encoded_image(draft, tmp_path):
    content = png_with_metadata()
    material, uow = add(draft, content, tmp_path)
    [stored] = stored_files(tmp_path)
    kept = stored.read_bytes()
    assert kept != content and b"13800138000" not in kept
    assert material["sha256"] == hashlib.sha256(kept).hexdigest() == stored.name
    assert material["size_bytes"] == len(kept)
    assert material["content_type"] == "image/png" and uow.materials.rows == [material]


@pytest.mark.parametrize("counts, code, limit", [
    ({"in_application": 20, "of_owner": 20}, "TOO_MANY_MATERIALS", 20),
    ({"in_application": 3, "of_owner": 200}, "MATERIAL_QUOTA_EXCEEDED", 200),
])
def test_a_full_quota_refuses_the_upload_before_anything_is_stored(draft, tmp_path, counts,
                                                                  code, limit):
    with pytest.raises(Conflict) as raised:
        add(draft, minimal_pdf(), tmp_path, **counts)
    assert raised.value.code == code and raised.value.details["limit"] == limit
    assert stored_files(tmp_path) == []


def test_a_counter_application_has_only_the_per_application_quota(draft, tmp_path):
    material, _ = add(draft, minimal_pdf(), tmp_path, in_application=19, of_owner=None)
    assert material["size_bytes"] == len(minimal_pdf())


def test_a_refused_file_leaves_nothing_behind(draft, tmp_path):
    with pytest.raises(ValidationFailed) as raised:
        add(draft, pdf(with_open_action_javascript), tmp_path)
    assert raised.value.code == "PDF_ACTIVE_CONTENT"
    assert stored_files(tmp_path) == []


def test_the_default_file_directory_is_outside_what_the_gateway_serves():
    import pathlib

    from intake.config import IntakeSettings

    root = pathlib.Path(__file__).resolve().parents[4]
    default = (root / IntakeSettings.model_fields["files_dir"].default).resolve()
    assert not default.is_relative_to(root / "web")


@pytest.mark.parametrize("name", ["../../x.pdf", "..\\..\\x.pdf", "C:\\Users\\证明.pdf",
                                  "证明\x00.pdf", "报告\u202efdp.exe", "零宽\u200b.pdf"])
def test_a_name_with_a_path_or_control_characters_is_refused(name):
    with pytest.raises(ValidationFailed) as raised:
        check_file_name(name)
    assert raised.value.code == "FILE_NAME_INVALID"


def test_ordinary_names_pass():
    for name in ("营业执照.pdf", "履行 证明 (1).jpg", "", "report-2026.png"):
        check_file_name(name)
