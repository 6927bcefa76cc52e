"""The applicant's side through the gateway, against every real process: login by SMS code,
guide, identity, records with eligibility, draft, materials, signing, submission, progress,
withdrawal, and the bad input each step must refuse with a code and a Chinese message."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text

from credit_common.clock import now
from credit_common.testing.files import minimal_pdf, minimal_png
from credit_common.testing.platform import latest_login_code, wait_until
from tests.e2e import registry

#: real files: intake parses every upload (a few magic bytes no longer pass)
PDF = minimal_pdf()
PNG = minimal_png()
EXE = b"MZ\x90\x00" + b"\x00" * 200
#: the platform's business day (Asia/Shanghai), not the machine's: they differ 8 hours a day
TODAY = now().date()


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


def log_in(http, phone: str) -> dict:
    assert http.post("/api/v1/applicant/auth/code", json={"phone": phone}).status_code == 202
    response = http.post("/api/v1/applicant/auth/login",
                         json={"phone": phone, "code": latest_login_code(http, phone)})
    assert response.status_code == 200, response.text
    return response.json()


def auth(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert re.search(r"[\u4e00-\u9fff]", body["message"]), body  # a Chinese message
    return body


# -- login ------------------------------------------------------------------------------------

def test_login_by_sms_code_refresh_and_logout(http):
    phone = registry.new_phone()
    tokens = log_in(http, phone)
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] > 0
    me = http.get("/api/v1/applicant/applications", headers=auth(tokens))
    assert me.status_code == 200 and me.json() == {"items": [], "next_cursor": None}

    refreshed = http.post("/api/v1/applicant/auth/refresh",
                          json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert http.get("/api/v1/applicant/applications", headers=auth(new)).status_code == 200
    # rotated: the old one is spent, and using it again (a stolen copy racing its owner)
    # ends the whole session, the newest tokens included
    assert_error(http.post("/api/v1/applicant/auth/refresh",
                           json={"refresh_token": tokens["refresh_token"]}),
                 401, "INVALID_REFRESH_TOKEN")
    wait_until(lambda: http.get("/api/v1/applicant/applications",
                                headers=auth(new)).status_code == 401, 15, interval=0.3,
               message="the session of a reused refresh token to end")
    assert_error(http.post("/api/v1/applicant/auth/refresh",
                           json={"refresh_token": new["refresh_token"]}),
                 401, "INVALID_REFRESH_TOKEN")

    # a session that was never compromised: refresh, then log out
    tokens = log_in(http, registry.new_phone())
    new = http.post("/api/v1/applicant/auth/refresh",
                    json={"refresh_token": tokens["refresh_token"]}).json()
    assert http.post("/api/v1/applicant/auth/logout", headers=auth(new)).status_code == 204
    assert_error(http.get("/api/v1/applicant/applications", headers=auth(new)), 401,
                 "SESSION_REVOKED")
    assert_error(http.post("/api/v1/applicant/auth/refresh",
                           json={"refresh_token": new["refresh_token"]}),
                 401, "INVALID_REFRESH_TOKEN")


def test_bad_codes_are_refused_and_the_sixth_try_is_locked(http):
    phone = registry.new_phone()
    assert http.post("/api/v1/applicant/auth/code", json={"phone": phone}).status_code == 202
    code = latest_login_code(http, phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for attempt in range(1, 6):
        body = assert_error(http.post("/api/v1/applicant/auth/login",
                                      json={"phone": phone, "code": wrong}), 401, "WRONG_CODE")
        assert body["details"]["attempts_left"] == 5 - attempt
    # the sixth try is refused as locked, even with the right code
    assert_error(http.post("/api/v1/applicant/auth/login", json={"phone": phone, "code": code}),
                 429, "PHONE_LOCKED")


def test_a_code_is_single_use_and_requests_are_rate_limited(http):
    phone = registry.new_phone()
    log_in(http, phone)
    used = latest_login_code(http, phone)
    assert_error(http.post("/api/v1/applicant/auth/login", json={"phone": phone, "code": used}),
                 401, "CODE_ALREADY_USED")
    assert_error(http.post("/api/v1/applicant/auth/code", json={"phone": phone}), 429,
                 "CODE_REQUESTED_TOO_OFTEN")
    assert_error(http.post("/api/v1/applicant/auth/code", json={"phone": "12345"}), 422,
                 "VALIDATION_FAILED")
    assert_error(http.get("/api/v1/applicant/applications"), 401, "UNAUTHENTICATED")
    assert_error(http.get("/api/v1/applicant/applications",
                          headers={"Authorization": "Bearer not-a-token"}), 401, "INVALID_TOKEN")


# -- the journey ------------------------------------------------------------------------------

def prepare(http, disclosure_db, *, record_type="penalty_publicity"):
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone)
    tokens = log_in(http, phone)
    headers = auth(tokens)
    guide = http.get(f"/api/v1/applicant/guides/{record_type}", headers=headers).json()
    assert guide["version"] >= 1 and "办理" in guide["body"]
    assert http.post(f"/api/v1/applicant/guides/{record_type}/acknowledgement",
                     json={"version": guide["version"]}, headers=headers).status_code == 201
    notice = http.get("/api/v1/applicant/legal-notice", headers=headers).json()
    mine = http.get("/api/v1/applicant/subjects", headers=headers).json()["items"]
    assert [s["uscc"] for s in mine] == [subject["uscc"]]
    assert mine[0]["legal_representative"]["name"] == "陈大文"  # auto-filled, in full
    chosen = http.post("/api/v1/applicant/subjects", headers=headers, json={
        "subject_code": subject["uscc"], "legal_notice_version": notice["version"]})
    assert chosen.status_code == 201, chosen.text
    assert chosen.json()["method"] == "phone"
    return phone, subject, headers


def upload(http, headers, application_id, kind, content, name="材料.pdf"):
    return http.post(f"/api/v1/applicant/applications/{application_id}/materials",
                     headers=headers, data={"kind": kind},
                     files={"file": (name, content, "application/octet-stream")})


def test_a_penalty_application_from_login_to_acceptance_number(http, disclosure_db):
    phone, subject, headers = prepare(http, disclosure_db)
    ready = registry.add_penalty(disclosure_db, subject,
                                 publicity_start=TODAY - timedelta(days=400))
    # of another kind (food): a later penalty of the same kind would bar ``ready`` for good
    recent = registry.add_penalty(disclosure_db, subject, domain="food",
                                  publicity_start=TODAY - timedelta(days=30))
    severe = registry.add_penalty(disclosure_db, subject, kinds=("licence_revocation",),
                                  publicity_start=TODAY - timedelta(days=800))

    listed = http.get(f"/api/v1/applicant/subjects/{subject['uscc']}/records",
                      params={"type": "penalty_publicity"}, headers=headers)
    assert listed.status_code == 200, listed.text
    answers = {i["record"]["id"]: i["eligibility"] for i in listed.json()["items"]}
    assert answers[ready]["eligible"] is True
    assert answers[recent]["reason_code"] == "PUBLICITY_TOO_SHORT"
    assert answers[recent]["earliest_eligible_date"] > TODAY.isoformat()
    assert answers[severe]["reason_code"] == "SEVERE_PENALTY"
    assert all(a["rule_version"] == "2021.1" and a["article"] for a in answers.values())

    new = {"subject_code": subject["uscc"], "record_type": "penalty_publicity"}
    assert_error(http.post("/api/v1/applicant/applications", headers=headers,
                           json={**new, "record_ids": [recent]}), 422, "RECORD_NOT_ELIGIBLE")
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        **new, "record_ids": [ready], "contact_name": "陈大文", "contact_phone": phone})
    assert draft.status_code == 201, draft.text
    application = draft.json()
    assert application["status"] == "draft" and application["acceptance_number"] is None
    app_url = f"/api/v1/applicant/applications/{application['id']}"

    # the same record cannot be in a second open application
    assert_error(http.post("/api/v1/applicant/applications", headers=headers,
                           json={**new, "record_ids": [ready]}), 409,
                 "RECORD_IN_OPEN_APPLICATION")

    # materials: content decides, not the name; the size limit holds
    assert_error(upload(http, headers, application["id"], "application_form", EXE, "申请书.pdf"),
                 422, "UNSUPPORTED_FILE_TYPE")
    assert_error(upload(http, headers, application["id"], "application_form",
                        PDF + b"0" * 300_001), 422, "FILE_TOO_LARGE")
    assert_error(upload(http, headers, application["id"], "application_form", PDF,
                        "../../申请书.pdf"), 422, "FILE_NAME_INVALID")
    form = upload(http, headers, application["id"], "application_form", PDF, "申请书.exe")
    assert form.status_code == 201, form.text
    assert form.json()["file_name"] == "申请书.pdf" and form.json()["content_type"] == "application/pdf"
    downloaded = http.get(f"{app_url}/materials/{form.json()['id']}", headers=headers)
    assert downloaded.status_code == 200 and downloaded.content == PDF

    submit_url = f"{app_url}/submit"
    assert http.get(app_url, headers=headers).json()["facts_and_reasons_required"] is True
    assert_error(http.post(submit_url, headers=headers), 422, "FORM_INCOMPLETE")
    version = http.get(app_url, headers=headers).json()["version"]
    patched = http.patch(app_url, headers=headers, json={
        "version": version, "contact_name": "陈大文", "contact_phone": phone,
        "facts_and_reasons": "已于 2025 年缴清罚款并完成整改。"})
    assert patched.status_code == 200, patched.text
    assert_error(http.patch(app_url, headers=headers, json={"version": version}), 409,
                 "STALE_VERSION")
    body = assert_error(http.post(submit_url, headers=headers), 422, "MATERIALS_MISSING")
    assert set(body["details"]["missing"]) == {"commitment", "fulfilment_proof"}
    assert upload(http, headers, application["id"], "commitment", PNG, "承诺书.png").status_code == 201
    assert upload(http, headers, application["id"], "fulfilment_proof", PDF).status_code == 201
    assert_error(http.post(submit_url, headers=headers), 409, "SIGNING_INCOMPLETE")

    # signing: the e-seal and the legal representative's one-time link, bound to the content
    assert http.post(f"{app_url}/seal", headers=headers).json()["e_seal"] is True
    link = http.post(f"{app_url}/signature-link", headers=headers).json()
    assert link["qr_svg"].lstrip().startswith("<?xml") or "<svg" in link["qr_svg"]
    path = httpx.URL(link["api_url"]).path
    token = path.rsplit("/", 1)[-1]
    assert httpx.URL(link["url"]).path == f"/sign/{token}"  # the QR code opens the signing page
    shown = http.get(path).json()
    assert shown["subject_name"] == subject["name"] and shown["legal_rep_name"] == "陈大文"
    assert_error(http.post(path, json={"signer_name": "张三", "agree": True}), 422,
                 "SIGNER_MISMATCH")
    assert http.post(path, json={"signer_name": "陈大文", "agree": True}).json()["signed"]
    assert_error(http.post(path, json={"signer_name": "陈大文", "agree": True}), 409,
                 "SIGNATURE_LINK_USED")

    submitted = http.post(submit_url, headers={**headers, "Idempotency-Key": "k-" + phone})
    assert submitted.status_code == 200, submitted.text
    number = submitted.json()["acceptance_number"]
    assert re.fullmatch(rf"XF-440106-{TODAY:%Y%m%d}-\d{{6}}", number)
    again = http.post(submit_url, headers={**headers, "Idempotency-Key": "k-" + phone})
    assert again.status_code == 200 and again.json()["acceptance_number"] == number
    assert_error(http.post(submit_url, headers=headers), 409, "ALREADY_SUBMITTED")

    # progress: workflow opens the case and the applicant sees 待受理, with a timeline
    def pending():
        detail = http.get(app_url, headers=headers).json()
        return detail if detail["status"] == "pending_acceptance" else None

    detail = wait_until(pending, 20, interval=0.2, message="the case to open")
    assert detail["status_label"] == "待受理"
    # timestamps in Asia/Shanghai, as the API conventions show them
    assert all(t["occurred_at"].endswith("+08:00") for t in detail["timeline"])
    assert detail["submitted_at"].endswith("+08:00")
    assert [t["to_status"] for t in detail["timeline"]] == [
        "draft", "submitted", "pending_acceptance"]
    case = http.get(f"/api/v1/dev/cases/{number}")
    assert case.status_code == 200 and case.json()["application_id"] == application["id"]
    # the working-day deadlines the case was opened with are the applicant's to see
    assert detail["deadlines"] == {"accept_due": case.json()["accept_due"],
                                   "decide_due": case.json()["decide_due"]}
    assert detail["deadlines"]["accept_due"] >= TODAY.isoformat()

    # another applicant cannot see or touch it, and learns nothing about it
    stranger = auth(log_in(http, registry.new_phone()))
    assert_error(http.get(app_url, headers=stranger), 403, "APPLICATION_NOT_ACCESSIBLE")
    assert_error(http.post(f"{app_url}/withdraw", headers=stranger, json={}), 403,
                 "APPLICATION_NOT_ACCESSIBLE")
    assert_error(http.get(f"/api/v1/applicant/applications/{uuid.uuid4()}", headers=stranger),
                 403, "APPLICATION_NOT_ACCESSIBLE")

    withdrawn = http.post(f"{app_url}/withdraw", headers=headers, json={"reason": "已自行处理"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert_error(http.post(f"{app_url}/withdraw", headers=headers, json={}), 409,
                 "APPLICATION_ALREADY_DECIDED")
    wait_until(lambda: http.get(f"/api/v1/dev/cases/{number}").json()["status"] == "withdrawn",
               20, interval=0.2, message="the case to be withdrawn")
    # the record is free again for a new application
    again = http.post("/api/v1/applicant/applications", headers=headers,
                      json={**new, "record_ids": [ready]})
    assert again.status_code == 201, again.text


def test_a_list_application_needs_no_signature(http, disclosure_db):
    phone, subject, headers = prepare(http, disclosure_db, record_type="abnormal_operation_list")
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=90))
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record], "contact_name": "陈大文", "contact_phone": phone}).json()
    detail = http.get(f"/api/v1/applicant/applications/{draft['id']}", headers=headers).json()
    assert detail["facts_and_reasons_required"] is False and detail["deadlines"] is None
    for kind in ("application_form", "commitment", "correction_proof"):
        assert upload(http, headers, draft["id"], kind, PDF).status_code == 201
    submitted = http.post(f"/api/v1/applicant/applications/{draft['id']}/submit",
                          headers=headers)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    listed = http.get("/api/v1/applicant/applications", headers=headers).json()["items"]
    assert [a["acceptance_number"] for a in listed] == [submitted.json()["acceptance_number"]]


def test_manual_identity_says_only_that_it_differs_and_pauses_after_repeated_failures(
        http, disclosure_db, db_engine):
    other = registry.add_subject(disclosure_db, phone=registry.new_phone())
    headers = auth(log_in(http, registry.new_phone()))
    notice = http.get("/api/v1/applicant/legal-notice", headers=headers).json()["version"]
    choice = {"subject_code": other["uscc"], "legal_notice_version": notice}
    assert_error(http.post("/api/v1/applicant/subjects", headers=headers, json=choice), 422,
                 "MANUAL_IDENTITY_REQUIRED")
    manual = {**choice, "name": other["name"], "legal_rep_name": "李四",
              "document_type": "resident_id",
              "document_number": other["legal_rep_document_number"]}
    body = assert_error(http.post("/api/v1/applicant/subjects", headers=headers, json=manual),
                        422, "IDENTITY_MISMATCH")
    # which field differs is not said: a masked ID number cannot be completed by trying
    assert "details" not in body and "姓名" not in body["message"]
    assert "陈大文" not in str(body)
    bad_code = other["uscc"][:-1] + ("0" if other["uscc"][-1] != "0" else "1")
    assert_error(http.post("/api/v1/applicant/subjects", headers=headers,
                           json={**manual, "subject_code": bad_code}), 422,
                 "INVALID_SUBJECT_CODE")
    assert_error(http.post("/api/v1/applicant/subjects", headers=headers,
                           json={**manual, "document_number": "440106198001011230"}), 422,
                 "INVALID_DOCUMENT_NUMBER")
    right = http.post("/api/v1/applicant/subjects", headers=headers,
                      json={**manual, "legal_rep_name": "陈大文"})
    assert right.status_code == 201 and right.json()["method"] == "manual"

    # five mismatches against one subject (by any applicants) pause every further try on it,
    # the right answer included; each attempt is written to the audit table
    target = registry.add_subject(disclosure_db, phone=registry.new_phone())
    wrong_id = registry.new_resident_id()
    while wrong_id == target["legal_rep_document_number"]:
        wrong_id = registry.new_resident_id()
    guess = {**choice, "subject_code": target["uscc"], "name": target["name"],
             "legal_rep_name": "陈大文", "document_type": "resident_id",
             "document_number": wrong_id}
    for _ in range(5):
        assert_error(http.post("/api/v1/applicant/subjects",
                               headers=auth(log_in(http, registry.new_phone())), json=guess),
                     422, "IDENTITY_MISMATCH")
    locked = http.post("/api/v1/applicant/subjects", headers=headers, json={
        **guess, "document_number": target["legal_rep_document_number"]})
    body = assert_error(locked, 429, "IDENTITY_CHECK_LOCKED")
    assert int(locked.headers["retry-after"]) == body["details"]["retry_after_s"] > 0
    with disclosure_db.connect() as conn:
        outcomes = conn.execute(text(
            "SELECT outcome FROM identity_checks WHERE subject_code = :s ORDER BY id"),
            {"s": target["uscc"]}).scalars().all()
    assert outcomes == ["mismatch"] * 5 + ["locked"]


def test_fifty_concurrent_submissions_get_fifty_distinct_numbers(http, disclosure_db, platform):
    phone, subject, headers = prepare(http, disclosure_db, record_type="abnormal_operation_list")
    drafts = []
    for _ in range(50):
        record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=60))
        draft = http.post("/api/v1/applicant/applications", headers=headers, json={
            "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
            "record_ids": [record], "contact_name": "陈大文", "contact_phone": phone}).json()
        for kind in ("application_form", "commitment", "correction_proof"):
            assert upload(http, headers, draft["id"], kind, PDF).status_code == 201
        drafts.append(draft["id"])

    async def submit_all():
        async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
            return await asyncio.gather(*(
                client.post(f"/api/v1/applicant/applications/{d}/submit", headers=headers)
                for d in drafts))

    answers = asyncio.run(submit_all())
    assert [a.status_code for a in answers] == [200] * 50, [a.text for a in answers
                                                            if a.status_code != 200][:3]
    numbers = {a.json()["acceptance_number"] for a in answers}
    assert len(numbers) == 50


def sign_off(http, headers, app_url, signer="陈大文"):
    assert http.post(f"{app_url}/seal", headers=headers).status_code == 200
    link = http.post(f"{app_url}/signature-link", headers=headers).json()
    path = httpx.URL(link["api_url"]).path
    assert http.post(path, json={"signer_name": signer, "agree": True}).status_code == 200


def penalty_draft(http, disclosure_db, headers, phone, subject):
    record = registry.add_penalty(disclosure_db, subject,
                                  publicity_start=TODAY - timedelta(days=400))
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "penalty_publicity",
        "record_ids": [record], "contact_name": "陈大文", "contact_phone": phone,
        "facts_and_reasons": "罚款已缴清。"})
    assert draft.status_code == 201, draft.text
    application = draft.json()
    for kind in ("application_form", "commitment", "fulfilment_proof"):
        assert upload(http, headers, application["id"], kind, PDF).status_code == 201
    return application, f"/api/v1/applicant/applications/{application['id']}"


def test_the_preview_pdf_shows_the_application_in_chinese(http, disclosure_db):
    import io

    from pypdf import PdfReader

    phone, subject, headers = prepare(http, disclosure_db)
    application, app_url = penalty_draft(http, disclosure_db, headers, phone, subject)
    response = http.get(f"{app_url}/preview.pdf", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("信用修复申请书", subject["name"], subject["uscc"], "罚款已缴清", "陈大文"):
        assert expected in text, expected
    preview = http.get(f"{app_url}/preview", headers=headers).json()
    assert preview["signing"]["required"] is True and preview["signing"]["e_seal"] is False


def test_a_changed_application_needs_signing_again(http, disclosure_db):
    phone, subject, headers = prepare(http, disclosure_db)
    application, app_url = penalty_draft(http, disclosure_db, headers, phone, subject)
    sign_off(http, headers, app_url)
    assert http.get(app_url, headers=headers).json()["signing"]["complete"] is True
    upload(http, headers, application["id"], "other", PNG, "补充.png")
    signing = http.get(app_url, headers=headers).json()["signing"]
    assert (signing["complete"], signing["e_seal"], signing["legal_rep_signature"]) == (
        False, False, False)
    assert_error(http.post(f"{app_url}/submit", headers=headers), 409, "SIGNING_INCOMPLETE")


@pytest.mark.parametrize("case", ["non_mainland_document", "proof_material_mode"])
def test_an_upload_replaces_the_signature_where_the_rules_allow(http, disclosure_db, case):
    phone = registry.new_phone()
    subject = registry.add_subject(
        disclosure_db, phone=phone,
        document_type="hk_macao_permit" if case == "non_mainland_document" else "resident_id",
        proof_material_mode=case == "proof_material_mode")
    headers = auth(log_in(http, phone))
    http.post("/api/v1/applicant/guides/penalty_publicity/acknowledgement",
              json={"version": 1}, headers=headers)
    assert http.post("/api/v1/applicant/subjects", headers=headers, json={
        "subject_code": subject["uscc"], "legal_notice_version": 1}).status_code == 201
    application, app_url = penalty_draft(http, disclosure_db, headers, phone, subject)
    assert http.post(f"{app_url}/seal", headers=headers).status_code == 200
    expected = ("legal_rep_document" if case == "non_mainland_document"
                else "special_circumstances_proof")
    signing = http.get(app_url, headers=headers).json()["signing"]
    assert signing["signature_alternative"] == expected and signing["complete"] is False
    assert upload(http, headers, application["id"], expected, PDF).status_code == 201
    # the upload changed the content: seal what is there now, then submit
    assert http.post(f"{app_url}/seal", headers=headers).json()["complete"] is True
    submitted = http.post(f"{app_url}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text


def test_applications_of_an_earlier_phone_join_mine_after_proving_it(http, disclosure_db,
                                                                    db_engine):
    old_phone, subject, old_headers = prepare(http, disclosure_db,
                                              record_type="abnormal_operation_list")
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=90))
    draft = http.post("/api/v1/applicant/applications", headers=old_headers, json={
        "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record], "contact_name": "陈大文", "contact_phone": old_phone}).json()

    new_headers = auth(log_in(http, registry.new_phone()))
    assert http.get("/api/v1/applicant/applications", headers=new_headers).json()["items"] == []
    # a minute later (one code per phone a minute, whatever it is for)
    with db_engine["intake"].begin() as conn:
        conn.execute(text("UPDATE login_codes SET issued_at = issued_at - interval '2 minutes' "
                          "WHERE phone = :p"), {"p": old_phone})
    assert http.post("/api/v1/applicant/phones/code", headers=new_headers,
                     json={"phone": old_phone}).status_code == 202
    code = latest_login_code(http, old_phone)
    assert_error(http.post("/api/v1/applicant/phones", headers=new_headers,
                           json={"phone": old_phone, "code": "000000" if code != "000000"
                                 else "111111"}), 401, "WRONG_CODE")
    proven = http.post("/api/v1/applicant/phones", headers=new_headers,
                       json={"phone": old_phone, "code": code})
    assert proven.status_code == 200 and old_phone in proven.json()["phones"]
    mine = http.get("/api/v1/applicant/applications", headers=new_headers).json()["items"]
    assert [a["id"] for a in mine] == [draft["id"]]
    seen = http.get(f"/api/v1/applicant/applications/{draft['id']}", headers=new_headers)
    assert seen.status_code == 200
    # reading is allowed; acting stays with the applicant who filed it
    assert_error(http.post(f"/api/v1/applicant/applications/{draft['id']}/withdraw",
                           headers=new_headers, json={}), 403, "APPLICATION_NOT_ACCESSIBLE")
