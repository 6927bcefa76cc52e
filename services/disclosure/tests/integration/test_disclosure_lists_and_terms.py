"""A city loads its own lists: listings on the four lists and their removals by ``make
import``, checked line by line, idempotent. The publicity terms are rule data: an
administrator adds a version, checked against the schema first, and the daily job reads the
version in force on a record's decision day from the table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date, timedelta

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from credit_common.clock import now
from credit_common.contracts.interagency import PublicityChanged
from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.handlers.daily_jobs import end_penalty_publicity
from disclosure.service import DisclosureService

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def new_code(prefix: str = "91") -> str:
    n = uuid.uuid4().int
    body = prefix + "440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
    return body + uscc.calc_check_digit(body + "0")


@pytest.fixture
def engine(db_engine):
    return db_engine["disclosure"]


def import_file(database_url, path, agency) -> dict:
    """As ``make import`` runs it: a process of its own."""
    done = subprocess.run([sys.executable, "-m", "disclosure", "import", str(path), "--agency",
                           agency, "--quiet"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DISCLOSURE_DATABASE_URL": database_url})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def listing_line(n, record_type="abnormal_operation_list", kind="enterprise", **changes):
    prefix = {"enterprise": "91", "individual_business": "92", "cooperative": "93"}[kind]
    return {"source_record_id": f"list-{n}", "version": 1, "record_type": record_type,
            "subject_code": new_code(prefix), "subject_name": f"广州名单导入测试{n}",
            "subject_kind": kind, "district_code": "440106",
            "listing_reason": "annual_report_overdue", "listing_date": "2026-03-01",
            "listing_unit_code": "44010601",
            "listing_document_number": f"穗天市监异〔2026〕{n}号", **changes}


def state_of(engine, agency):
    with engine.connect() as conn:
        return dict(conn.execute(text(
            "SELECT source_record_id, publicity_state FROM records WHERE source_agency = :a"),
            {"a": agency}).all())


def test_a_city_loads_its_lists_and_their_removals_line_by_line_once(engine, database_urls,
                                                                     tmp_path):
    agency = f"gz-amr-{uuid.uuid4().hex[:6]}"
    lines = [
        listing_line(1),
        listing_line(2, "individual_abnormal_status", "individual_business",
                     listing_reason="unreachable_address"),
        listing_line(3, "cooperative_abnormal_list", "cooperative",
                     listing_reason="false_information"),
        listing_line(4, "serious_illegal_list", listing_reason="serious_violation",
                     listing_unit_code="440106"),
        {"source_record_id": "own-penalty-5", "version": 1, "record_type": "penalty_publicity",
         "subject_code": new_code(), "subject_name": "广州本局处罚导入测试",
         "district_code": "440106", "decision_number": "穗天市监处罚〔2026〕5号",
         "decision_date": "2026-02-01", "penalty_kinds": ["fine"], "fine_amount": "30000.00",
         "deciding_department_name": "广州市天河区市场监督管理局",
         "deciding_unit_code": "44010601", "obligations_fulfilled_on": "2026-03-01"},
        # the removals: after their records, whatever their place in the file
        {"action": "remove", "source_record_id": "list-1", "version": 2,
         "reason": "已补报年度报告", "document_number": "穗天市监移〔2026〕1号"},
        {"action": "remove", "source_record_id": "list-2", "version": 2,
         "reason": "已证明可以联系"},
        # bad lines
        listing_line(8, listing_date="2026-02-30"),                         # no such day
        listing_line(9, record_type="blacklist"),                           # no such list
        listing_line(10, listing_reason="serious_violation"),              # not of this list
        listing_line(11, listing_unit_code="44010401"),                    # another district
        {"action": "remove", "source_record_id": "never-listed", "version": 2, "reason": "误列"},
    ]
    lines.insert(0, {"action": "remove", "source_record_id": "list-3", "version": 2,
                     "reason": "已更正年报"})
    path = tmp_path / "lists.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
                    encoding="utf-8")

    first = import_file(database_urls["disclosure"], path, agency)
    assert (first["lines"], first["created"], first["removed"], first["rejected"]) == (
        13, 5, 3, 5)
    report = [json.loads(line) for line in
              (tmp_path / "lists.jsonl.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["line"], r["code"]) for r in report] == [
        (9, "INVALID_RECORD"), (10, "INVALID_RECORD"), (11, "REASON_NOT_OF_LIST"),
        (12, "UNKNOWN_UNIT"), (13, "UNKNOWN_RECORD")]
    assert "listing_date：不是有效的日期" in report[0]["reason"]
    assert "record_type：取值无效" in report[1]["reason"]
    assert state_of(engine, agency) == {"list-1": "removed", "list-2": "restored",
                                        "list-3": "removed", "list-4": "active",
                                        "own-penalty-5": "active"}
    with engine.connect() as conn:
        own = conn.execute(text(
            "SELECT deciding_unit_code, obligations_fulfilled_on, listing_reason FROM records "
            "WHERE source_agency = :a AND source_record_id = 'own-penalty-5'"),
            {"a": agency}).one()
        serious = conn.execute(text(
            "SELECT listing_reason, listing_unit_code, listing_date, penalty_domain FROM records "
            "WHERE source_agency = :a AND source_record_id = 'list-4'"), {"a": agency}).one()
        notes = conn.execute(text(
            "SELECT h.to_state, h.note FROM record_history h JOIN records r ON r.id = h.record_id"
            " WHERE r.source_agency = :a AND r.source_record_id = 'list-1' ORDER BY h.id"),
            {"a": agency}).all()
        messages = conn.execute(text(
            "SELECT body FROM outbox WHERE body->'payload'->'source_record'->>'agency' = :a"),
            {"a": agency}).scalars().all()
    assert tuple(own) == ("44010601", date(2026, 3, 1), None)
    assert tuple(serious) == ("serious_violation", "440106", date(2026, 3, 1), None)
    assert notes == [("active", ""), ("removed", "已补报年度报告（穗天市监移〔2026〕1号）")]
    assert len(messages) == 5 + 3
    for body in messages:
        PublicityChanged.model_validate(body)

    again = import_file(database_urls["disclosure"], path, agency)
    assert (again["created"], again["updated"], again["removed"], again["unchanged"]) == (
        0, 0, 0, 8)
    assert state_of(engine, agency)["list-1"] == "removed"   # an older line does not relist


def test_a_file_of_bad_listings_only_changes_nothing(engine, database_urls, tmp_path):
    agency = f"gz-amr-{uuid.uuid4().hex[:6]}"
    path = tmp_path / "bad.csv"
    path.write_text(
        "source_record_id,version,record_type,subject_code,subject_name,subject_kind,"
        "district_code,listing_reason,listing_date,listing_unit_code\n"
        f"bad-1,1,abnormal_operation_list,{new_code()},广州坏行一,enterprise,440106,"
        "annual_report_overdue,2026-13-01,44010601\n"
        f"bad-2,1,grey_list,{new_code()},广州坏行二,enterprise,440106,"
        "annual_report_overdue,2026-01-01,44010601\n", encoding="utf-8")
    env = {**os.environ, "DISCLOSURE_DATABASE_URL": database_urls["disclosure"]}
    done = subprocess.run([sys.executable, "-m", "disclosure", "import", str(path), "--agency",
                           agency, "--quiet"], capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 1           # nothing of the file could be used
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert (counts["rejected"], counts["created"]) == (2, 0)
    report = [json.loads(line) for line in
              (tmp_path / "bad.csv.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in report] == [2, 3]
    assert "listing_date" in report[0]["reason"] and "record_type" in report[1]["reason"]
    assert state_of(engine, agency) == {}


# -- publicity terms ---------------------------------------------------------------------

@pytest.fixture
def disclosure(container_factory, nameko_config):
    from workflow.service import WorkflowService  # it says who is an administrator
    container_factory(WorkflowService, nameko_config).start()
    container_factory(DisclosureService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.disclosure


def add_officer(db_engine, roles: list[str]) -> str:
    officer_id = str(uuid.uuid4())
    with db_engine["workflow"].begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, "
            "'测试人员', '440100', :r)"),
            {"id": officer_id, "p": f"135{uuid.uuid4().int % 10**8:08d}", "r": roles})
    return officer_id


def terms(**penalty) -> dict:
    return {"basis": "测试依据", "record_types": {
        "serious_illegal_list": {"term_years": 3},
        "abnormal_operation_list": {"escalates_to_serious_after_years": 3},
        "individual_abnormal_status": {}, "cooperative_abnormal_list": {},
        "penalty_publicity": {"term_years": 3, "short_term_months": 3,
                              "short_term_penalty_kinds": ["circulated_criticism"],
                              "low_fine_threshold": "10000.00", **penalty},
        "other_department_penalty": {"term_years": 3}}, "listing_cures": []}


def versions_stored(engine) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT version FROM publicity_term_versions ORDER BY version")).scalars().all()


def test_an_administrator_adds_a_publicity_term_version_only_if_it_is_valid(
        disclosure, engine, db_engine):
    admin = add_officer(db_engine, ["administrator"])
    listed = {v["version"]: v for v in disclosure.publicity_term_versions(admin)}
    assert listed["2021-baseline"]["terms"]["record_types"]["penalty_publicity"][
        "short_term_months"] == 3
    later = (now().date() + timedelta(days=3650)).isoformat()
    before = versions_stored(engine)
    for bad, field in ((terms(term_years="three"),
                        "terms.record_types.penalty_publicity.term_years"),
                       ({"basis": "只有依据"}, "terms.record_types"),
                       (terms(short_term_penalty_kinds=["jail"]),
                        "terms.record_types.penalty_publicity.short_term_penalty_kinds.0")):
        with pytest.raises(RemoteError) as raised:
            disclosure.add_publicity_term_version(f"t-{uuid.uuid4().hex[:6]}", later, "测试",
                                                  bad, admin_id=admin)
        assert raised.value.exc_type == "ValidationFailed"
        assert raised.value.value.startswith("INVALID_RULES") and field in raised.value.value
    for version, day, code in (("t-today", now().date().isoformat(),
                                "EFFECTIVE_DATE_NOT_IN_FUTURE"),
                               ("t-bad-day", "2099-02-30", "INVALID_DATE"),
                               ("2021-baseline", later, "RULE_VERSION_EXISTS")):
        with pytest.raises(RemoteError) as raised:
            disclosure.add_publicity_term_version(version, day, "测试", terms(), admin_id=admin)
        assert raised.value.value.startswith(code), raised.value.value
    with pytest.raises(RemoteError) as raised:
        disclosure.add_publicity_term_version("t-x", later, "测试", terms(),
                                              admin_id=add_officer(db_engine, ["approver"]))
    assert raised.value.value.startswith("ROLE_REQUIRED")
    assert versions_stored(engine) == before

    version = f"t-{uuid.uuid4().hex[:6]}"
    added = disclosure.add_publicity_term_version(version, later, "测试规定", terms(),
                                                  admin_id=admin)
    assert added == {"version": version, "effective_from": later, "source": "测试规定"}
    stored = {v["version"]: v for v in disclosure.publicity_term_versions(admin)}[version]
    assert stored["created_by"] == admin
    assert stored["terms"]["record_types"]["penalty_publicity"]["low_fine_threshold"] == \
        "10000.00"
    with engine.begin() as conn:  # a version this far ahead must not outlive the test
        conn.execute(text("DELETE FROM publicity_term_versions WHERE version = :v"),
                     {"v": version})


def add_penalty(engine, decided: date, kinds, fine) -> uuid.UUID:
    subject_id, record_id = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, uscc, name, kind, district_code, registration_unit_code)"
            " VALUES (:id, :code, '广州公示期限测试有限公司', 'enterprise', '440106', '44010601')"),
            {"id": subject_id, "code": new_code()})
        conn.execute(text(
            "INSERT INTO records (id, subject_id, record_type, decision_number, decision_date, "
            "publicity_start_date, penalty_kinds, fine_amount, source_record_id, district_code)"
            " VALUES (:id, :s, 'penalty_publicity', '穗天市监处罚〔2032〕1号', :d, :d, :k, :f, "
            ":ref, '440106')"),
            {"id": record_id, "s": subject_id, "d": decided, "k": kinds, "f": fine,
             "ref": f"terms-{record_id}"})
    return record_id


def publicity_state(engine, record_id) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT publicity_state FROM records WHERE id = :id"),
                            {"id": record_id}).scalar_one()


def test_the_end_of_publicity_follows_the_version_in_force_on_the_decision_day(engine):
    """A version from 2032 (a year, not three) decides for penalties of 2032; one decided
    before it keeps the term it was decided under."""
    effective = date(2032, 1, 1)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO publicity_term_versions (version, effective_from, source, terms) "
            "VALUES ('t-2032', :e, '测试', CAST(:t AS jsonb))"),
            {"e": effective, "t": json.dumps(terms(term_years=1), ensure_ascii=False)})
    try:
        under_new = add_penalty(engine, date(2032, 3, 1), ["fine"], "50000.00")
        under_old = add_penalty(engine, date(2031, 12, 1), ["fine"], "50000.00")
        low_fine = add_penalty(engine, date(2032, 3, 1), ["fine"], "3000.00")

        def run(day):
            with Session(engine) as session, session.begin():
                end_penalty_publicity(day, DisclosureUnitOfWork(session))

        run(date(2032, 6, 1))
        assert publicity_state(engine, low_fine) == "active"      # three months: through 1 June
        run(date(2032, 6, 2))
        assert publicity_state(engine, low_fine) == "expired"
        run(date(2033, 3, 1))
        assert publicity_state(engine, under_new) == "active"     # a year: through 1 March
        run(date(2033, 3, 2))
        assert publicity_state(engine, under_new) == "expired"
        assert publicity_state(engine, under_old) == "active"     # three years: 2034-12-01
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM publicity_term_versions WHERE version = 't-2032'"))
