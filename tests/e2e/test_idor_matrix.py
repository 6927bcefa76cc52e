"""No one reaches another party's resource through an id in a path: every route of the
OpenAPI document with a path parameter is called by an applicant on another applicant's
application, and by officers of another district and of another office of the same district
on a case (never transferred to them). Each call must be refused (403/404 with a code, as for
a resource that does not exist) and carry nothing of the resource.

The tables below are the matrix: a route added to the gateway without an entry here (or an
explicit, reasoned exemption) fails ``test_every_route_with_a_path_parameter_is_in_the_matrix``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from collections.abc import Callable

import pytest
from sqlalchemy import text

from credit_common.testing.platform import wait_until
from tests.e2e import registry
from tests.e2e.test_applicant_journey import PDF, TODAY, prepare, upload
from tests.e2e.test_automatic_repair import publish_filing, removal_for, verified_document
from tests.e2e.test_officer_journey import (act, add_officer, case_in_todo, officer_login,
                                            submitted_list_application)

#: what a refusal may say; a generic "no such route" 404 would mean a wrong path, not a refusal
DENIALS = {"APPLICATION_NOT_ACCESSIBLE", "SUBJECT_NOT_CONFIRMED", "MATERIAL_NOT_FOUND",
           "DOCUMENT_NOT_FOUND", "MESSAGE_NOT_FOUND", "CASE_NOT_ACCESSIBLE",
           "OFFICER_OUTSIDE_SCOPE", "SUBJECT_NOT_OF_MY_DISTRICT", "SUBJECT_OUTSIDE_SCOPE",
           "REMOVAL_NOT_ACCESSIBLE"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Call:
    method: str
    path: str
    json: dict | None = None
    params: dict | None = None
    files: dict | None = None
    data: dict | None = None


@dataclass
class Entry:
    """How to call a route on a victim's resource. ``build(ids)`` gets the victim's ids (or
    the attacker's own where ``own_parent``: the parent is the caller's, the child not)."""
    build: Callable[[dict], Call]
    #: reading routes: the owner's call succeeds, so the path itself is right
    owner_reads: bool = False
    #: answered like an id that does not exist (no hint it exists)
    like_unknown: bool = True


def body(**fields):
    return lambda ids: {k: (v(ids) if callable(v) else v) for k, v in fields.items()}


def upload_call(path: str) -> Call:
    return Call("POST", path, data={"kind": "other"},
                files={"file": ("补充.pdf", PDF, "application/pdf")})


def ruling_call(path: str) -> Call:
    """The court's ruling on a reorganisation's plan, filed on another party's resource."""
    return Call("POST", path, data={"kind": "plan_confirmed", "court": "广东省广州市中级人民法院",
                                    "case_number": "（2026）粤01破12号之三",
                                    "ruling_date": f"{TODAY:%Y-%m-%d}"},
                files={"file": ("裁定.pdf", PDF, "application/pdf")})


A = "/api/v1/applicant/applications/{application_id}"
APPLICANT_MATRIX: dict[tuple[str, str], Entry] = {
    ("GET", A): Entry(lambda i: Call("GET", f"/api/v1/applicant/applications/{i['draft']}"),
                      owner_reads=True),
    ("PATCH", A): Entry(lambda i: Call("PATCH", f"/api/v1/applicant/applications/{i['draft']}",
                                       json={"version": i["draft_version"],
                                             "contact_name": "李四"})),
    ("GET", A + "/preview"): Entry(lambda i: Call(
        "GET", f"/api/v1/applicant/applications/{i['draft']}/preview"), owner_reads=True),
    ("GET", A + "/preview.pdf"): Entry(lambda i: Call(
        "GET", f"/api/v1/applicant/applications/{i['draft']}/preview.pdf"), owner_reads=True),
    ("POST", A + "/materials"): Entry(lambda i: upload_call(
        f"/api/v1/applicant/applications/{i['draft']}/materials")),
    ("GET", A + "/materials/{material_id}"): Entry(lambda i: Call(
        "GET", f"/api/v1/applicant/applications/{i['draft']}/materials/{i['material']}"),
        owner_reads=True),
    ("DELETE", A + "/materials/{material_id}"): Entry(lambda i: Call(
        "DELETE", f"/api/v1/applicant/applications/{i['draft']}/materials/{i['material']}")),
    ("POST", A + "/seal"): Entry(lambda i: Call(
        "POST", f"/api/v1/applicant/applications/{i['draft']}/seal")),
    ("POST", A + "/signature-link"): Entry(lambda i: Call(
        "POST", f"/api/v1/applicant/applications/{i['draft']}/signature-link")),
    ("POST", A + "/submit"): Entry(lambda i: Call(
        "POST", f"/api/v1/applicant/applications/{i['draft']}/submit")),
    ("POST", A + "/withdraw"): Entry(lambda i: Call(
        "POST", f"/api/v1/applicant/applications/{i['submitted']}/withdraw",
        json={"reason": "不想办了"})),
    ("GET", A + "/documents"): Entry(lambda i: Call(
        "GET", f"/api/v1/applicant/applications/{i['submitted']}/documents"), owner_reads=True),
    ("GET", A + "/documents/{document_id}"): Entry(lambda i: Call(
        "GET", f"/api/v1/applicant/applications/{i['submitted']}/documents/{i['document']}"),
        owner_reads=True),
    ("POST", "/api/v1/applicant/inbox/{message_id}/read"): Entry(lambda i: Call(
        "POST", f"/api/v1/applicant/inbox/{i['message']}/read")),
    ("POST", "/api/v1/applicant/reorganisations/{application_id}/rulings"): Entry(
        lambda i: ruling_call(f"/api/v1/applicant/reorganisations/{i['submitted']}/rulings")),
    # the registry itself is public (/public/subjects/{code}): its existence is no secret
    ("GET", "/api/v1/applicant/subjects/{code}/records"): Entry(lambda i: Call(
        "GET", f"/api/v1/applicant/subjects/{i['subject_code']}/records"), owner_reads=True,
        like_unknown=False),
}

#: the same routes with the caller's own application and the victim's material or document
APPLICANT_MIXED = {
    ("GET", A + "/materials/{material_id}"): lambda i, own: Call(
        "GET", f"/api/v1/applicant/applications/{own}/materials/{i['material']}"),
    ("DELETE", A + "/materials/{material_id}"): lambda i, own: Call(
        "DELETE", f"/api/v1/applicant/applications/{own}/materials/{i['material']}"),
    ("GET", A + "/documents/{document_id}"): lambda i, own: Call(
        "GET", f"/api/v1/applicant/applications/{own}/documents/{i['document']}"),
}

C = "/api/v1/officer/cases/{acceptance_number}"
CA = "/api/v1/officer/counter-applications/{application_id}"
LR = "/api/v1/officer/listing-removals/{removal_id}"
OFFICER_MATRIX: dict[tuple[str, str], Entry] = {
    ("GET", C): Entry(lambda i: Call("GET", f"/api/v1/officer/cases/{i['case']}"),
                      owner_reads=True),
    ("GET", C + "/transfer-targets"): Entry(lambda i: Call(
        "GET", f"/api/v1/officer/cases/{i['case']}/transfer-targets"), owner_reads=True),
    ("POST", C + "/reorganisation-rulings"): Entry(lambda i: ruling_call(
        f"/api/v1/officer/cases/{i['case']}/reorganisation-rulings")),
    ("POST", C + "/actions"): Entry(lambda i: Call(
        "POST", f"/api/v1/officer/cases/{i['case']}/actions",
        json={"action": "verify", "version": i["case_version"], "opinion": "属实"})),
    ("GET", C + "/materials/{material_id}"): Entry(lambda i: Call(
        "GET", f"/api/v1/officer/cases/{i['case']}/materials/{i['material']}"),
        owner_reads=True),
    ("GET", C + "/documents/{document_id}"): Entry(lambda i: Call(
        "GET", f"/api/v1/officer/cases/{i['case']}/documents/{i['document']}"),
        owner_reads=True),
    ("GET", CA): Entry(lambda i: Call("GET", f"/api/v1/officer/counter-applications/"
                                             f"{i['counter']}"), owner_reads=True),
    ("PATCH", CA): Entry(lambda i: Call(
        "PATCH", f"/api/v1/officer/counter-applications/{i['counter']}",
        json={"version": i["counter_version"], "contact_name": "李四"})),
    ("POST", CA + "/materials"): Entry(lambda i: upload_call(
        f"/api/v1/officer/counter-applications/{i['counter']}/materials")),
    ("POST", CA + "/submit"): Entry(lambda i: Call(
        "POST", f"/api/v1/officer/counter-applications/{i['counter']}/submit")),
    ("GET", LR): Entry(lambda i: Call("GET", f"/api/v1/officer/listing-removals/"
                                             f"{i['removal']}"), owner_reads=True),
    ("POST", LR + "/removal"): Entry(lambda i: Call(
        "POST", f"/api/v1/officer/listing-removals/{i['removal']}/removal")),
    ("GET", LR + "/documents/{document_id}"): Entry(lambda i: Call(
        "GET", f"/api/v1/officer/listing-removals/{i['removal']}/documents/"
               f"{i['removal_document']}"), owner_reads=True),
    ("POST", "/api/v1/officer/inbox/{message_id}/read"): Entry(lambda i: Call(
        "POST", f"/api/v1/officer/inbox/{i['message']}/read")),
    ("PATCH", "/api/v1/admin/officers/{officer_id}"): Entry(lambda i: Call(
        "PATCH", f"/api/v1/admin/officers/{i['officer']}", json={"name": "改名"})),
    # public registry codes: their existence is no secret
    ("POST", "/api/v1/admin/subjects/{code}/proof-material-mode"): Entry(lambda i: Call(
        "POST", f"/api/v1/admin/subjects/{i['subject_code']}/proof-material-mode",
        params={"enabled": "true"}), like_unknown=False),
}

OFFICER_MIXED = {
    ("GET", C + "/materials/{material_id}"): lambda i, own: Call(
        "GET", f"/api/v1/officer/cases/{own}/materials/{i['material']}"),
    ("GET", C + "/documents/{document_id}"): lambda i, own: Call(
        "GET", f"/api/v1/officer/cases/{own}/documents/{i['document']}"),
}

#: routes with a path parameter that name no party's resource, and why
EXEMPT = {
    ("GET", "/api/v1/applicant/guides/{record_type}"): "a record type: the same guide for all",
    ("POST", "/api/v1/applicant/guides/{record_type}/acknowledgement"):
        "a record type: acknowledges for the caller only",
    ("GET", "/api/v1/public/subjects/{code}"): "public registry, personal data masked",
    ("GET", "/api/v1/public/records/{record_id}"): "public registry, personal data masked",
    ("GET", "/api/v1/public/signatures/{token}"):
        "no login: the unguessable one-time token is the credential",
    ("POST", "/api/v1/public/signatures/{token}"):
        "no login: the unguessable one-time token is the credential",
    # outside the district only the public (masked) view: checked in the officer matrix below
    ("GET", "/api/v1/officer/subjects/{code}"): "public registry, masked outside the district",
    ("GET", "/api/v1/officer/subjects/{code}/temporary-repairs"):
        "public: which records a reorganisation hides, and the court's published rulings",
    # a penalty's withdrawal is the district bureau's act, not one office's resource: every
    # approver of the bureau may; another district is refused (test_penalty_withdrawal.py)
    ("GET", "/api/v1/officer/records/{record_id}"):
        "public registry, masked outside the district; officers also see who withdrew it",
    ("POST", "/api/v1/officer/records/{record_id}/withdrawal"):
        "the deciding unit's district bureau's act; another district gets 403",
    ("GET", "/api/v1/officer/records/{record_id}/withdrawal/file"):
        "the deciding unit's district bureau and the city bureau; another district gets 403",
}
DEVELOPMENT_PREFIX = "/api/v1/dev/"  # absent in production (gateway.main.dev_routes_allowed)


def test_every_route_with_a_path_parameter_is_in_the_matrix(http):
    document = http.get("/openapi.json").json()
    routes = {(method.upper(), path) for path, operations in document["paths"].items()
              for method in operations if "{" in path and not path.startswith(DEVELOPMENT_PREFIX)}
    assert routes, "no route with a path parameter in the OpenAPI document"
    known = set(APPLICANT_MATRIX) | set(OFFICER_MATRIX) | set(EXEMPT)
    assert not routes - known, f"routes missing from the IDOR matrix: {sorted(routes - known)}"
    assert not known - routes, f"matrix entries for routes that are gone: {sorted(known - routes)}"
    tables = (set(APPLICANT_MATRIX), set(OFFICER_MATRIX), set(EXEMPT))
    assert sum(map(len, tables)) == len(known), "a route is in more than one table"


@dataclass
class Outcome:
    calls: int = 0
    failures: list[str] = field(default_factory=list)


def send(http, headers: dict, call: Call):
    return http.request(call.method, call.path, headers=headers, json=call.json,
                        params=call.params, files=call.files, data=call.data)


def check_denied(http, outcome: Outcome, label: str, headers: dict, call: Call,
                 secrets: list[str], unknown: Call | None = None) -> None:
    outcome.calls += 1
    response = send(http, headers, call)
    where = f"{label}: {call.method} {call.path}"
    if response.status_code not in (403, 404):
        outcome.failures.append(f"{where} -> {response.status_code} {response.text[:200]}")
        return
    body = response.json()
    if body.get("code") not in DENIALS or not CJK.search(body.get("message", "")) \
            or body.get("request_id") != response.headers.get("x-request-id"):
        outcome.failures.append(f"{where} -> refused without the envelope: {body}")
    leaked = [s for s in secrets if s and s in response.text]
    if leaked:
        outcome.failures.append(f"{where} -> the body names {leaked}")
    if unknown is not None:
        ghost = send(http, headers, unknown)
        if (ghost.status_code, ghost.json().get("code")) != (response.status_code,
                                                              body.get("code")):
            outcome.failures.append(
                f"{where} -> {response.status_code} {body.get('code')}, but an unknown id gets "
                f"{ghost.status_code} {ghost.json().get('code')}: it tells that it exists")


def run_matrix(http, matrix, mixed, ids: dict, ghost_ids: dict, owner: dict,
               attackers: dict[str, tuple[dict, str | None]], secrets: list[str]) -> Outcome:
    outcome = Outcome()
    for (method, route), entry in matrix.items():
        call = entry.build(ids)
        assert call.method == method, route
        for label, (headers, own) in attackers.items():
            check_denied(http, outcome, f"{label} on {route}", headers, call, secrets,
                         entry.build(ghost_ids) if entry.like_unknown else None)
            if (method, route) in mixed and own:
                check_denied(http, outcome, f"{label} (own parent) on {route}", headers,
                             mixed[(method, route)](ids, own), secrets)
        if entry.owner_reads:
            answer = send(http, owner, call)
            if answer.status_code != 200:
                outcome.failures.append(f"the owner's own {method} {call.path} -> "
                                        f"{answer.status_code}: the matrix's call is wrong")
    return outcome


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


def list_draft(http, disclosure_db, headers, phone, subject) -> dict:
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=90))
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record], "contact_name": "陈大文", "contact_phone": phone})
    assert draft.status_code == 201, draft.text
    return draft.json()


def assert_clean(outcome: Outcome, who: str) -> None:
    print(f"\nIDOR matrix ({who}): {outcome.calls} calls, {len(outcome.failures)} not denied")
    assert outcome.calls and not outcome.failures, "\n".join(outcome.failures)


def decided_removal(http, amqp_uri, disclosure_db, handler) -> tuple[dict, dict, dict]:
    """A listing of the handler's office a correction cured, removed by the handler's click,
    with its rendered decision."""
    subject = registry.add_subject(disclosure_db, phone=registry.new_phone())
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=60),
                                  reason="false_information")
    publish_filing(amqp_uri, "instant_info.published.v1", {
        "subject_code": subject["uscc"], "published_on": TODAY.isoformat(),
        "items": ["行政许可取得信息"], "correction": True})
    removal = removal_for(http, handler, record, "pending")
    clicked = http.post(f"/api/v1/officer/listing-removals/{removal['id']}/removal",
                        headers=handler)
    assert clicked.status_code == 200, clicked.text
    return subject, removal, verified_document(http, handler, removal["id"])


def test_no_one_reaches_another_partys_resource(http, db_engine, disclosure_db, amqp_uri):
    # the victim: an accepted case (materials, a document, inbox messages) and a draft
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"], "黄承办"))
    application, victim, subject, _record = submitted_list_application(http, disclosure_db)
    number = application["acceptance_number"]
    case_in_todo(http, handler, number)
    with db_engine["workflow"].begin() as conn:
        conn.execute(text("UPDATE cases SET accept_due = :d WHERE acceptance_number = :n"),
                     {"d": TODAY, "n": number})
    reminder = wait_until(lambda: next(
        (m for m in http.get("/api/v1/officer/inbox", headers=handler).json()["items"]
         if number in m["title"]), None), 20, interval=0.3, message="the handler's reminder")
    version = case_in_todo(http, handler, number)["version"]
    assert act(http, handler, number, "accept", version).status_code == 200
    app_url = f"/api/v1/applicant/applications/{application['id']}"
    [document] = wait_until(lambda: http.get(f"{app_url}/documents", headers=victim).json()[
        "items"], 30, interval=0.3, message="the acceptance notice")
    message = wait_until(lambda: http.get("/api/v1/applicant/inbox", headers=victim).json()[
        "items"], 20, interval=0.3, message="the applicant's inbox")[0]
    victim_phone = http.get(app_url, headers=victim).json()["form"]["contact_phone"]
    draft = list_draft(http, disclosure_db, victim, victim_phone, subject)
    material = upload(http, victim, draft["id"], "application_form", PDF)
    assert material.status_code == 201, material.text
    case_material = http.get(f"/api/v1/officer/cases/{number}", headers=handler).json()[
        "application"]["materials"][0]["id"]
    draft_before = http.get(f"/api/v1/applicant/applications/{draft['id']}",
                            headers=victim).json()

    # the attacking applicant has an application of their own (parent of the mixed calls)
    attacker_phone, attacker_subject, attacker = prepare(
        http, disclosure_db, record_type="abnormal_operation_list")
    own = list_draft(http, disclosure_db, attacker, attacker_phone, attacker_subject)
    secrets = [application["id"], draft["id"], subject["name"], subject["uscc"], victim_phone,
               subject["legal_rep_document_number"], number]
    ids = {"draft": draft["id"], "draft_version": draft_before["version"],
           "submitted": application["id"], "material": material.json()["id"],
           "document": document["id"], "message": message["id"],
           "subject_code": subject["uscc"]}
    ghosts = {**ids, "draft": str(uuid.uuid4()), "submitted": str(uuid.uuid4()),
              "material": str(uuid.uuid4()), "document": str(uuid.uuid4()),
              "message": str(uuid.uuid4()), "subject_code": registry.new_uscc()}
    applicants = run_matrix(http, APPLICANT_MATRIX, APPLICANT_MIXED, ids, ghosts, victim,
                            {"another applicant": (attacker, own["id"])}, secrets)
    # nothing changed: the draft, its material and the submitted application are as they were
    after = http.get(f"/api/v1/applicant/applications/{draft['id']}", headers=victim).json()
    assert (after["version"], [m["id"] for m in after["materials"]], after["signing"]) == (
        draft_before["version"], [m["id"] for m in draft_before["materials"]],
        draft_before["signing"])
    assert http.get(app_url, headers=victim).json()["status"] == "accepted"
    assert http.get("/api/v1/applicant/inbox", headers=victim).json()["unread"] >= 1

    # officers of another district and of another office of the district, with every role;
    # the office has a case of its own (parent of the mixed calls)
    every_role = ["handler", "reviewer", "approver", "administrator"]
    elsewhere = officer_login(http, add_officer(db_engine, "44010401", every_role, "越秀人员"))
    next_door = officer_login(http, add_officer(db_engine, "44010602", every_role, "天河南人员"))
    theirs, *_ = submitted_list_application(http, disclosure_db, listing_unit="44010602")
    case_in_todo(http, next_door, theirs["acceptance_number"])
    counter_subject = registry.add_subject(disclosure_db, phone=registry.new_phone())
    counter_record = registry.add_listing(disclosure_db, counter_subject,
                                          listed_on=TODAY - timedelta(days=90))
    counter = http.post("/api/v1/officer/counter-applications", headers=handler, json={
        "subject_code": counter_subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [counter_record]})
    assert counter.status_code == 201, counter.text
    removed_subject, removal, removal_document = decided_removal(http, amqp_uri, disclosure_db,
                                                                 handler)
    page = http.get(f"/api/v1/officer/cases/{number}", headers=handler).json()
    officer_ids = {"case": number, "case_version": page["case"]["version"],
                   "removal": removal["id"], "removal_document": removal_document["id"],
                   "material": case_material, "document": document["id"],
                   "counter": counter.json()["id"], "counter_version": counter.json()["version"],
                   "message": reminder["id"],
                   "officer": http.get("/api/v1/officer/me", headers=handler).json()["id"],
                   "subject_code": subject["uscc"]}
    officer_ghosts = {**officer_ids, "case": f"XF-440106-{TODAY:%Y%m%d}-999999",
                      "material": str(uuid.uuid4()), "document": str(uuid.uuid4()),
                      "removal": str(uuid.uuid4()), "removal_document": str(uuid.uuid4()),
                      "counter": str(uuid.uuid4()), "message": str(uuid.uuid4()),
                      "officer": str(uuid.uuid4()), "subject_code": registry.new_uscc()}
    officer_secrets = [application["id"], subject["name"], subject["legal_rep_document_number"],
                       victim_phone, counter_subject["name"],
                       counter_subject["legal_rep_document_number"], removed_subject["name"],
                       removed_subject["uscc"], removal_document["number"]]
    officers = run_matrix(http, OFFICER_MATRIX, OFFICER_MIXED, officer_ids, officer_ghosts,
                          handler, {"an officer of another district": (elsewhere, None),
                                    "an officer of another office": (
                                        next_door, theirs["acceptance_number"])},
                          officer_secrets)
    assert_clean(applicants, "applicants")
    assert_clean(officers, "officers")
    # the registry lookup outside the district: the public view, no personal data
    outside = http.get(f"/api/v1/officer/subjects/{subject['uscc']}", headers=elsewhere)
    assert outside.status_code == 200
    for secret in (subject["legal_rep_document_number"], victim_phone):
        assert secret not in outside.text
    after = http.get(f"/api/v1/officer/cases/{number}", headers=handler).json()
    assert (after["case"]["version"], after["case"]["status"]) == (
        page["case"]["version"], page["case"]["status"])
    assert http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()["subject"][
        "proof_material_mode"] is False
