"""Uploads through the gateway, judged by intake parsing them: hostile files are refused with
their code and leave nothing behind (neither a material nor a stored file), a JPEG carrying a
ZIP is kept as the clean picture, and one application holds at most 20 materials."""

from __future__ import annotations

import hashlib
import io
import os
import pathlib
import zipfile

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from credit_common.testing.files import minimal_jpeg, minimal_pdf
from tests.e2e.test_applicant_journey import (EXE, PDF, assert_error, penalty_draft, prepare,
                                              upload)


def hostile_pdf(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action_javascript(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.launchURL('https://example.invalid')")})


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", EXE)
    return out.getvalue()


def stored_files(platform) -> set[str]:
    root = pathlib.Path(platform.env["INTAKE_FILES_DIR"])
    return {name for _, _, names in os.walk(root) for name in names}


def materials(http, headers, application) -> list[dict]:
    detail = http.get(f"/api/v1/applicant/applications/{application['id']}", headers=headers)
    assert detail.status_code == 200, detail.text
    return detail.json()["materials"]


@pytest.fixture
def draft(http, disclosure_db):
    phone, subject, headers = prepare(http, disclosure_db)
    application, _ = penalty_draft(http, disclosure_db, headers, phone, subject)
    return headers, application


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


def test_hostile_files_are_refused_with_their_code_and_nothing_is_stored(http, platform,
                                                                         draft):
    headers, application = draft
    before, files_before = materials(http, headers, application), stored_files(platform)
    assert len(before) == 3
    refused = [
        (EXE, "申请书.pdf", "UNSUPPORTED_FILE_TYPE"),
        (hostile_pdf(open_action_javascript), "证明.pdf", "PDF_ACTIVE_CONTENT"),
        (hostile_pdf(lambda w: w.add_attachment("a.exe", EXE)), "附件.pdf", "PDF_EMBEDDED_FILE"),
        (minimal_pdf() + zip_archive(), "混合.pdf", "FILE_POLYGLOT"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "假的.pdf", "PDF_UNREADABLE"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "假的.png", "IMAGE_UNREADABLE"),
        (b"", "空的.pdf", "EMPTY_FILE"),
        (PDF + b"0" * 300_001, "太大.pdf", "FILE_TOO_LARGE"),  # MAX_UPLOAD_BYTES here
        (PDF, "../../x.pdf", "FILE_NAME_INVALID"),
        # a NUL never arrives raw (clients send it percent-encoded): the unit tests cover it
        (minimal_jpeg((8, 8), (0, 0, 0)), "照片\u202egpj.exe", "FILE_NAME_INVALID"),
    ]
    for content, name, code in refused:
        body = assert_error(upload(http, headers, application["id"], "other", content, name),
                            422, code)
        assert body["details"]["field"] == "file"
    assert materials(http, headers, application) == before
    assert stored_files(platform) == files_before


def test_a_jpeg_carrying_a_zip_is_kept_as_the_clean_picture(http, draft):
    headers, application = draft
    picture = minimal_jpeg((48, 32), (30, 90, 160))
    sent = picture + zip_archive()
    stored = upload(http, headers, application["id"], "other", sent, "照片.exe")
    assert stored.status_code == 201, stored.text
    material = stored.json()
    assert material["content_type"] == "image/jpeg" and material["file_name"] == "照片.jpg"
    downloaded = http.get(f"/api/v1/applicant/applications/{application['id']}/materials/"
                          f"{material['id']}", headers=headers)
    assert downloaded.status_code == 200
    assert downloaded.headers["x-content-type-options"] == "nosniff"
    kept = downloaded.content
    assert b"PK\x03\x04" not in kept and kept[:3] == b"\xff\xd8\xff"
    assert material["sha256"] == hashlib.sha256(kept).hexdigest()
    assert material["size_bytes"] == len(kept) < len(sent)


def test_one_application_holds_at_most_twenty_materials(http, draft):
    headers, application = draft
    for n in range(20 - len(materials(http, headers, application))):
        assert upload(http, headers, application["id"], "other", PDF,
                      f"补充{n}.pdf").status_code == 201
    body = assert_error(upload(http, headers, application["id"], "other", PDF), 409,
                        "TOO_MANY_MATERIALS")
    assert body["details"] == {"limit": 20, "scope": "application"}
    held = materials(http, headers, application)
    assert len(held) == 20
    # a removed material frees its place
    assert http.delete(f"/api/v1/applicant/applications/{application['id']}/materials/"
                       f"{held[-1]['id']}", headers=headers).status_code == 204
    assert upload(http, headers, application["id"], "other", PDF).status_code == 201
