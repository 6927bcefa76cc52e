"""A penalty of ours withdrawn after a review, a court's judgment or our own correction,
through DisclosureService's RPC on the run's RabbitMQ and PostgreSQL: publicity stops at once,
the history names the ruling, the file is kept, the other agencies and the subject's event are
staged in the outbox; a repeat of the same ruling changes nothing; every refusal (unknown
record, another district, no approver, not ours, not publicised, already withdrawn, bad
fields, bad file) changes nothing."""

from __future__ import annotations

import base64
import uuid
from datetime import date, timedelta

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text
from stdnum.cn import uscc

from credit_common.clock import now
from credit_common.contracts.events import PenaltyWithdrawn
from credit_common.contracts.interagency import PenaltyWithdrawn as PenaltyWithdrawnMessage
from credit_common.contracts.registry import RegistryRecord, SubjectRecords
from credit_common.testing.files import minimal_pdf, minimal_png
from disclosure.service import DisclosureService

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
TODAY = now().date()
#: an approver of 天河's first office: the bureau that made the test's penalties
APPROVER = {"id": str(uuid.uuid4()), "name": "王审批", "unit_code": "44010601",
            "roles": ["approver"], "active": True}


def new_uscc() -> str:
    n = uuid.uuid4().int
    body = "91440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
    return body + uscc.calc_check_digit(body + "0")


@pytest.fixture
def disclosure(container_factory, nameko_config):
    container_factory(DisclosureService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.disclosure


@pytest.fixture
def engine(db_engine):
    return db_engine["disclosure"]


def add_penalty(engine, *, deciding_unit="44010601", district="440106",
                record_type="penalty_publicity", source_agency="samr-guangzhou",
                state="active") -> dict:
    subject_id, record_id, code = uuid.uuid4(), uuid.uuid4(), new_uscc()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, uscc, name, kind, district_code, registration_unit_code, "
            "legal_rep_name, legal_rep_document_number, legal_rep_phone, liaison_phone) VALUES "
            "(:id, :uscc, :name, 'enterprise', :d, :unit, '陈某', '440106199001011235', "
            "'13912345678', '13912345679')"),
            {"id": subject_id, "uscc": code, "name": f"撤销测试{code[-6:]}有限公司", "d": district,
             "unit": district + "01"})
        conn.execute(text(
            "INSERT INTO records (id, subject_id, record_type, decision_number, decision_date, "
            "publicity_start_date, penalty_kinds, fine_amount, deciding_unit_code, "
            "source_record_id, source_agency, district_code, publicity_state) VALUES (:id, :s, "
            ":t, '穗天市监处罚〔2026〕8号', :day, :day, ARRAY['fine'], 20000, :unit, :ref, "
            ":agency, :d, :state)"),
            {"id": record_id, "s": subject_id, "t": record_type, "day": TODAY - timedelta(90),
             "unit": deciding_unit, "ref": f"test-{record_id}", "agency": source_agency,
             "d": district, "state": state})
    return {"id": str(record_id), "code": code}


def ruling(**changes) -> dict:
    return {"kind": "administrative_review", "number": "穗府复决〔2026〕15号",
            "ruling_date": (TODAY - timedelta(days=3)).isoformat(),
            "reason": "复议机关认定事实不清，决定撤销该行政处罚决定", **changes}


def withdraw(disclosure, record_id, *, officer=None, content=None, file_name="复议决定书.pdf",
             **changes):
    return disclosure.withdraw_penalty(
        record_id=record_id, officer=officer or APPROVER, ruling=ruling(**changes),
        file_name=file_name,
        content_b64=base64.b64encode(minimal_pdf() if content is None else content).decode())


def state_of(engine, record_id) -> dict:
    """Everything a withdrawal may change, to show a refusal changed none of it."""
    with engine.connect() as conn:
        return {
            "record": conn.execute(text("SELECT publicity_state, version FROM records "
                                        "WHERE id = :r"), {"r": record_id}).one()._tuple(),
            "history": conn.execute(text("SELECT count(*) FROM record_history "
                                         "WHERE record_id = :r"), {"r": record_id}).scalar(),
            "withdrawals": conn.execute(text("SELECT count(*) FROM record_withdrawals "
                                             "WHERE record_id = :r"), {"r": record_id}).scalar(),
            "outbox": conn.execute(text(
                "SELECT count(*) FROM outbox WHERE body::text LIKE :r"),
                {"r": f"%{record_id}%"}).scalar(),
        }


def staged(engine, routing_key, record_id) -> list[dict]:
    with engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = :k AND body::text LIKE :r "
            "ORDER BY created_at"), {"k": routing_key, "r": f"%{record_id}%"}).scalars())


def test_a_withdrawal_stops_publicity_at_once_keeps_the_ruling_and_announces_it(disclosure,
                                                                                 engine):
    penalty = add_penalty(engine)
    answer = withdraw(disclosure, penalty["id"])
    assert answer["created"] is True
    record = RegistryRecord.model_validate(answer["record"])
    assert (record.publicity_state, record.publicity_state_label) == ("withdrawn", "已撤销")
    assert [(d.kind, d.kind_label, d.number) for d in record.documents] == [
        ("administrative_review", "行政复议决定", "穗府复决〔2026〕15号")]
    assert answer["withdrawal"]["verification_code"] == record.documents[0].verification_code

    # the public record shows it withdrawn, with its ruling, and the history says why
    found = SubjectRecords.model_validate(disclosure.lookup_subject(penalty["code"]))
    shown = next(r for r in found.records if str(r.id) == penalty["id"])
    assert shown.publicity_state == "withdrawn" and shown.documents == record.documents
    assert disclosure.get_record(penalty["id"])["withdrawal"] is None  # the public's view
    page = disclosure.get_record(penalty["id"], viewer_unit_code="44010601")
    last = page["history"][-1]
    assert (last["from_state"], last["to_state"], last["cause_kind"]) == (
        "active", "withdrawn", "withdrawal")
    assert "行政复议决定（穗府复决〔2026〕15号" in last["note"]
    assert page["withdrawal"]["officer_name"] == "王审批"

    # the file is kept as sent
    kept = disclosure.withdrawal_file(penalty["id"], viewer_unit_code="44010602")
    assert base64.b64decode(kept["content_b64"]) == minimal_pdf()
    assert kept["content_type"] == "application/pdf"
    assert refused(lambda: disclosure.withdrawal_file(penalty["id"], viewer_unit_code="44011101")
                   ) == ("Forbidden", "RECORD_NOT_OF_MY_DISTRICT")
    assert refused(lambda: disclosure.withdrawal_file("not-a-uuid", viewer_unit_code="440100")
                   ) == ("NotFound", "WITHDRAWAL_NOT_FOUND")

    # staged with the change: both messages to the other agencies and the services' event
    [message] = staged(engine, "record.penalty_withdrawn.v1", penalty["id"])
    parsed = PenaltyWithdrawnMessage.model_validate(message)
    assert (parsed.payload.ruling_kind, parsed.payload.subject_code) == (
        "administrative_review", penalty["code"])
    changes = staged(engine, "record.publicity_changed.v1", penalty["id"])
    assert [c["payload"]["to_state"] for c in changes] == ["withdrawn"]
    [event] = staged(engine, "penalty_withdrawn", penalty["id"])
    told = PenaltyWithdrawn.model_validate(event["data"])
    assert told.notify_phones == ["13912345678", "13912345679"]

    # the same ruling again is the same withdrawal: nothing more happens
    before = state_of(engine, penalty["id"])
    again = withdraw(disclosure, penalty["id"])
    assert again["created"] is False and again["withdrawal"]["id"] == answer["withdrawal"]["id"]
    assert state_of(engine, penalty["id"]) == before


def test_an_image_of_a_court_judgment_is_kept_re_encoded(disclosure, engine):
    penalty = add_penalty(engine)
    answer = withdraw(disclosure, penalty["id"], content=minimal_png(), file_name="判决书.png",
                      kind="court_judgment", number="（2026）粤0106行初55号")
    assert answer["withdrawal"]["ruling_kind_label"] == "法院判决"
    assert answer["withdrawal"]["content_type"] == "image/png"
    assert answer["withdrawal"]["file_name"] == "判决书.png"


def refused(call) -> tuple[str, str]:
    with pytest.raises(RemoteError) as caught:
        call()
    return caught.value.exc_type, str(caught.value.value).partition(":")[0]


@pytest.mark.parametrize("case, expected", [
    ("another district", ("Forbidden", "RECORD_NOT_OF_MY_DISTRICT")),
    ("not an approver", ("Forbidden", "ROLE_REQUIRED")),
    ("disabled", ("Forbidden", "OFFICER_DISABLED")),
    ("other department", ("Conflict", "NOT_OWN_PENALTY")),
    ("a listing", ("Conflict", "NOT_OWN_PENALTY")),
    ("not publicised", ("Conflict", "RECORD_NOT_PUBLICISED")),
    ("future ruling", ("ValidationFailed", "INVALID_WITHDRAWAL")),
    ("unknown kind", ("ValidationFailed", "INVALID_WITHDRAWAL")),
    ("no number", ("ValidationFailed", "INVALID_WITHDRAWAL")),
    ("no reason", ("ValidationFailed", "INVALID_WITHDRAWAL")),
    ("empty file", ("ValidationFailed", "EMPTY_FILE")),
    ("not a pdf", ("ValidationFailed", "UNSUPPORTED_FILE_TYPE")),
    ("broken pdf", ("ValidationFailed", "PDF_UNREADABLE")),
    ("path in name", ("ValidationFailed", "FILE_NAME_INVALID")),
])
def test_a_refused_withdrawal_changes_nothing(disclosure, engine, case, expected):
    penalty = add_penalty(
        engine, deciding_unit="44011101" if case == "another district" else "44010601",
        district="440111" if case == "another district" else "440106",
        record_type={"other department": "other_department_penalty",
                     "a listing": "abnormal_operation_list"}.get(case, "penalty_publicity"),
        source_agency="gz-tax" if case == "other department" else "samr-guangzhou",
        state="stopped" if case == "not publicised" else "active")
    before = state_of(engine, penalty["id"])
    officer = {**APPROVER, "roles": ["handler"]} if case == "not an approver" else \
        {**APPROVER, "active": False} if case == "disabled" else APPROVER
    changes = {"future ruling": {"ruling_date": (TODAY + timedelta(days=1)).isoformat()},
               "unknown kind": {"kind": "appeal"}, "no number": {"number": " "},
               "no reason": {"reason": ""}}.get(case, {})
    content = {"empty file": b"", "not a pdf": b"MZ\x90\x00 an executable",
               "broken pdf": b"%PDF-1.7\n garbage"}.get(case)
    name = "../../etc/复议决定书.pdf" if case == "path in name" else "复议决定书.pdf"
    assert refused(lambda: withdraw(disclosure, penalty["id"], officer=officer, content=content,
                                    file_name=name, **changes)) == expected
    assert state_of(engine, penalty["id"]) == before


def test_unknown_records_and_another_ruling_on_a_withdrawn_one_are_refused(disclosure, engine):
    assert refused(lambda: withdraw(disclosure, str(uuid.uuid4()))) == (
        "NotFound", "RECORD_NOT_FOUND")
    assert refused(lambda: withdraw(disclosure, "not-a-uuid")) == ("NotFound", "RECORD_NOT_FOUND")
    penalty = add_penalty(engine)
    withdraw(disclosure, penalty["id"])
    before = state_of(engine, penalty["id"])
    assert refused(lambda: withdraw(disclosure, penalty["id"], kind="court_judgment",
                                    number="（2026）粤0106行初56号")) == (
        "Conflict", "RECORD_ALREADY_WITHDRAWN")
    assert state_of(engine, penalty["id"]) == before
    # a later repair decision about the withdrawn record changes nothing either
    result = disclosure.apply_repair_outcome(f"{uuid.uuid4()}:3/{penalty['id']}", penalty["id"],
                                             "stop_publicity")
    assert result["changed"] is False and result["publicity_state"] == "withdrawn"


def test_the_withdrawal_table_is_append_only(engine, disclosure):
    penalty = add_penalty(engine)
    withdraw(disclosure, penalty["id"])
    from sqlalchemy.exc import DBAPIError
    with pytest.raises(DBAPIError):
        with engine.begin() as conn:
            conn.execute(text("UPDATE record_withdrawals SET reason = 'x' WHERE record_id = :r"),
                         {"r": penalty["id"]})
    page = disclosure.get_record(penalty["id"], viewer_unit_code="44010601")
    assert date.fromisoformat(page["withdrawal"]["ruling_date"]) < TODAY
