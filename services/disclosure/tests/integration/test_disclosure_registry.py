"""DisclosureService against the run's PostgreSQL: CJK substring search, lookups by either
code, keyset pagination, masking, idempotent repair outcomes, daily jobs exactly once, bulk
import and demo data."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import uuid
from datetime import date, timedelta

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_10

from credit_common.contracts.interagency import PublicityChanged
from credit_common.testing import isolation
from disclosure.handlers.daily_jobs import run_daily_jobs
from disclosure.adapters.repository import RecordRepository
from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.service import DisclosureService

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def new_uscc() -> str:
    n = uuid.uuid4().int
    body = "91440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
    return body + uscc.calc_check_digit(body + "0")


def new_registration_number() -> str:
    body = "440106" + f"{uuid.uuid4().int % 10**8:08d}"
    return body + mod_11_10.calc_check_digit(body)


def add_subject(engine, name, *, code=None, registration_number=None, records=1,
                record_type="abnormal_operation_list", listing_date=date(2025, 6, 1),
                district="440106"):
    subject_id = uuid.uuid4()
    code = code if code is not None or registration_number else new_uscc()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, uscc, registration_number, name, kind, district_code, "
            "registration_unit_code, legal_rep_name, legal_rep_document_number, legal_rep_phone)"
            " VALUES (:id, :uscc, :reg, :name, 'enterprise', :d, :unit, '陈某', "
            "'440106199001011235', '13912345678')"),
            {"id": subject_id, "uscc": code, "reg": registration_number, "name": name,
             "d": district, "unit": district + "01"})
        record_ids = []
        for _ in range(records):
            record_id = uuid.uuid4()
            record_ids.append(record_id)
            conn.execute(text(
                "INSERT INTO records (id, subject_id, record_type, listing_reason, listing_date,"
                " listing_unit_code, source_record_id, district_code) VALUES (:id, :s, :t, "
                "'annual_report_overdue', :day, :unit, :ref, :d)"),
                {"id": record_id, "s": subject_id, "t": record_type, "day": listing_date,
                 "unit": district + "01", "ref": f"test-{record_id}", "d": district})
    return {"id": subject_id, "code": code or registration_number, "records": record_ids}


@pytest.fixture
def disclosure(container_factory, nameko_config):
    container_factory(DisclosureService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.disclosure


@pytest.fixture
def engine(db_engine):
    return db_engine["disclosure"]


def names(result) -> set[str]:
    return {item["subject"]["name"] for item in result["items"]}


def test_chinese_substrings_are_found_anywhere_in_the_name(disclosure, engine):
    marker = "垚鑫"  # rare characters: nothing else in the database matches
    add_subject(engine, f"{marker}天河淼科技有限公司")
    add_subject(engine, f"广州{marker}白云淼贸易有限公司")
    add_subject(engine, f"广州番禺淼物流{marker}")

    def search(name):
        return names(disclosure.search_records({"name": name, "limit": 100}))

    assert len(search(marker)) == 3                          # 2 characters: start, middle, end
    assert search(f"{marker}天河") == {f"{marker}天河淼科技有限公司"}  # 4 characters
    assert search(f"{marker} 白云") == {f"广州{marker}白云淼贸易有限公司"}  # two terms ANDed
    assert search(f"白云 {marker}") == {f"广州{marker}白云淼贸易有限公司"}  # in any order
    assert search(f"{marker} 物流") == {f"广州番禺淼物流{marker}"}
    assert search("垚淼") == set()                            # both characters, not adjacent
    assert search(f"{marker} 不存在") == set()


def test_a_two_character_term_is_served_by_the_bigram_index(engine):
    with engine.begin() as conn:
        # a test table is tiny: take away the plans that win only because of that
        conn.execute(text("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; "
                          "SET LOCAL enable_indexonlyscan = off"))
        plan = "\n".join(conn.execute(text(
            "EXPLAIN SELECT id FROM records r WHERE cjk_bigrams(r.search_name) @@ "
            "CAST(:q AS tsquery) AND r.search_name LIKE :like"),
            {"q": "'天河'", "like": "%天河%"}).scalars())
    assert "records_name_bigrams" in plan, plan


def test_the_id_order_slice_and_the_bigram_index_together_give_exact_pages(
        disclosure, engine, monkeypatch):
    """With a slice of 3 records, matches lie both inside it and beyond it: every page is
    still exactly the next matches in id order."""
    marker = "骉犇"
    for n in range(6):
        add_subject(engine, f"广州{marker}切片{n}有限公司", records=2)
    add_subject(engine, "广州骉某无关有限公司", records=3)
    with engine.connect() as conn:
        expected = [str(i) for i in conn.execute(text(
            "SELECT id FROM records WHERE search_name LIKE :like ORDER BY id"),
            {"like": f"%{marker}%"}).scalars()]
    assert len(expected) == 12
    monkeypatch.setattr(RecordRepository, "SEARCH_PROBE", 3)
    seen, cursor = [], None
    while True:
        page = disclosure.search_records({"name": f"{marker} 切片", "limit": 5,
                                          "cursor": cursor})
        seen += [item["record"]["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected


def test_a_renamed_subject_is_found_by_its_new_name(disclosure, engine):
    subject = add_subject(engine, "广州旧名鼐鼎有限公司")
    with engine.begin() as conn:
        conn.execute(text("UPDATE subjects SET name = '广州新名鼐鼎有限公司' WHERE id = :id"),
                     {"id": subject["id"]})
    assert names(disclosure.search_records({"name": "新名鼐鼎"})) == {"广州新名鼐鼎有限公司"}
    assert names(disclosure.search_records({"name": "旧名鼐鼎"})) == set()


def test_lookup_accepts_the_uscc_or_the_registration_number(disclosure, engine):
    by_uscc = add_subject(engine, "广州查询甲有限公司")
    by_number = add_subject(engine, "广州查询乙个体店", code=None,
                            registration_number=new_registration_number())
    assert disclosure.lookup_subject(by_uscc["code"])["subject"]["name"] == "广州查询甲有限公司"
    found = disclosure.lookup_subject(by_number["code"])
    assert found["subject"]["registration_number"] == by_number["code"]
    assert len(found["records"]) == 1
    assert disclosure.lookup_subject(by_uscc["code"].lower())["subject"]["uscc"] == by_uscc["code"]

    wrong = by_uscc["code"][:-1] + ("0" if by_uscc["code"][-1] != "0" else "1")
    with pytest.raises(RemoteError) as raised:
        disclosure.lookup_subject(wrong)
    assert raised.value.exc_type == "ValidationFailed"
    with pytest.raises(RemoteError) as raised:
        disclosure.lookup_subject(new_uscc())
    assert raised.value.exc_type == "NotFound"


def test_lookup_gives_every_record_of_the_subject_latest_first_and_none_for_none(
        disclosure, engine):
    bare = add_subject(engine, "广州查询丙有限公司", records=0)
    found = disclosure.lookup_subject(bare["code"])
    assert found["subject"]["name"] == "广州查询丙有限公司"
    assert found["records"] == []

    listed = add_subject(engine, "广州查询丁有限公司", records=3)
    days = [date(2024, 3, 1), date(2025, 9, 1), date(2025, 1, 1)]
    with engine.begin() as conn:
        for record_id, day in zip(listed["records"], days, strict=True):
            conn.execute(text("UPDATE records SET listing_date = :day WHERE id = :id"),
                         {"day": day, "id": record_id})
    records = disclosure.lookup_subject(listed["code"])["records"]
    assert [r["id"] for r in records] == [str(listed["records"][i]) for i in (1, 2, 0)]
    assert {r["subject_id"] for r in records} == {str(listed["id"])}


def test_pages_follow_each_other_without_overlap(disclosure, engine):
    marker = "翀翎"
    for n in range(5):
        add_subject(engine, f"{marker}分页{n}有限公司", records=5)
    seen, after, pages = [], None, 0
    while True:
        page = disclosure.search_records({"name": marker, "limit": 10, "cursor": after})
        seen += [item["record"]["id"] for item in page["items"]]
        pages += 1
        after = page["next_cursor"]
        if after is None:
            break
    assert len(seen) == 25 and len(set(seen)) == 25
    assert pages == 3


def test_filters_narrow_by_type_reason_date_and_district(disclosure, engine):
    marker = "璟珩"
    add_subject(engine, f"{marker}甲", listing_date=date(2024, 1, 10))
    add_subject(engine, f"{marker}乙", listing_date=date(2025, 5, 10), district="440104")
    add_subject(engine, f"{marker}丙", record_type="serious_illegal_list")
    search = disclosure.search_records
    assert names(search({"name": marker, "record_type": "serious_illegal_list"})) == {f"{marker}丙"}
    assert names(search({"name": marker, "district_code": "440104"})) == {f"{marker}乙"}
    assert names(search({"name": marker, "date_to": "2024-12-31"})) == {f"{marker}甲"}
    with pytest.raises(RemoteError) as raised:
        search({"name": marker, "date_from": "2025-01-01", "date_to": "2024-01-01"})
    assert raised.value.exc_type == "ValidationFailed"
    with pytest.raises(RemoteError):
        search({"name": marker, "record_type": "no_such_type"})
    with pytest.raises(RemoteError) as raised:
        search({"name": marker, "district_code": "999999"})
    assert raised.value.value.startswith("UNKNOWN_DISTRICT")


def add_officer(db_engine, unit_code: str, roles: list[str]) -> str:
    officer_id = str(uuid.uuid4())
    with db_engine["workflow"].begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, "
            "'测试人员', :u, :r)"),
            {"id": officer_id, "p": f"136{uuid.uuid4().int % 10**8:08d}", "u": unit_code,
             "r": roles})
    return officer_id


@pytest.fixture
def workflow(container_factory, nameko_config):
    """Workflow owns the officers: disclosure asks it whether a caller is an administrator."""
    from workflow.service import WorkflowService
    container_factory(WorkflowService, nameko_config).start()


def test_an_administrator_switches_a_subject_to_proof_material_mode(disclosure, workflow,
                                                                   engine, db_engine):
    subject = add_subject(engine, "广州证明材料模式测试有限公司")     # 天河区 (440106)
    assert disclosure.lookup_subject(subject["code"])["subject"]["proof_material_mode"] is False
    for caller, expected in ((None, "ROLE_REQUIRED"),
                             (add_officer(db_engine, "440100", ["handler"]), "ROLE_REQUIRED"),
                             (str(uuid.uuid4()), "OFFICER_DISABLED"),
                             (add_officer(db_engine, "440118", ["administrator"]),
                              "SUBJECT_OUTSIDE_SCOPE")):
        with pytest.raises(RemoteError) as raised:
            disclosure.set_proof_material_mode(subject["code"], True, admin_id=caller)
        assert raised.value.exc_type == "Forbidden"
        assert raised.value.value.split(":", 1)[0] == expected
    assert disclosure.lookup_subject(subject["code"])["subject"]["proof_material_mode"] is False
    for unit_code in ("440106", "440100"):      # the district's bureau, the city's
        admin = add_officer(db_engine, unit_code, ["administrator"])
        assert disclosure.set_proof_material_mode(subject["code"], True, admin_id=admin)[
            "proof_material_mode"]
    assert disclosure.lookup_subject(subject["code"])["subject"]["proof_material_mode"] is True


def test_personal_data_is_masked_except_for_officers_of_the_owning_district(disclosure, engine):
    subject = add_subject(engine, "广州脱敏测试有限公司")
    public = disclosure.lookup_subject(subject["code"])["subject"]["legal_representative"]
    assert public["phone"] == "139****5678"
    assert "*" in public["document_number"]
    officer = disclosure.lookup_subject(subject["code"], viewer_unit_code="44010602")
    assert officer["subject"]["legal_representative"]["phone"] == "13912345678"
    other = disclosure.lookup_subject(subject["code"], viewer_unit_code="44010301")
    assert other["subject"]["legal_representative"]["phone"] == "139****5678"


def announced(engine, record_id) -> list[dict]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = 'record.publicity_changed.v1' "
            "AND body->'payload'->>'record_id' = :r ORDER BY id"), {"r": str(record_id)})]


def test_a_repair_outcome_applies_once_however_often_it_is_sent(disclosure, engine,
                                                                nameko_config):
    record_id = add_subject(engine, "广州修复结果测试有限公司")["records"][0]
    decision = f"D-{uuid.uuid4().hex[:8]}"
    results = []

    def apply():
        with ClusterRpcProxy(nameko_config) as proxy:
            results.append(proxy.disclosure.apply_repair_outcome(decision, str(record_id),
                                                                 "remove_from_list"))

    threads = [threading.Thread(target=apply) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r["changed"] for r in results) == [False] * 4 + [True]
    detail = disclosure.get_record(str(record_id))
    assert detail["record"]["publicity_state"] == "removed"
    assert [h["cause_ref"] for h in detail["history"]] == [decision]
    [message] = announced(engine, record_id)
    change = message["payload"]
    assert (change["from_state"], change["to_state"]) == ("active", "removed")
    assert message["schema_version"] == "1.0" and change["cause_kind"] == "decision"

    with pytest.raises(RemoteError) as raised:  # the same decision id cannot mean another thing
        disclosure.apply_repair_outcome(decision, str(record_id), "revoke_repair")
    assert raised.value.exc_type == "Conflict"


def test_daily_jobs_run_once_per_day_with_several_instances(engine):
    today = date(2031, 7, 1)  # a day no other test uses
    serious = add_subject(engine, "广州到期严重失信测试有限公司", record_type="serious_illegal_list",
                          listing_date=today - timedelta(days=3 * 365 + 5))["records"][0]
    abnormal = add_subject(engine, "广州异常转严重测试有限公司",
                           listing_date=today - timedelta(days=3 * 365 + 5))["records"][0]
    outcomes, errors = [], []

    def run_jobs():
        try:
            with Session(engine) as session, session.begin():
                outcomes.append(run_daily_jobs(today, DisclosureUnitOfWork(session)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run_jobs) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ran = [o for o in outcomes if o["expire_serious_listings"] is not None]
    assert len(ran) == 1, outcomes
    with engine.connect() as conn:
        states = dict(conn.execute(text(
            "SELECT id, publicity_state FROM records WHERE id IN (:a, :b)"),
            {"a": serious, "b": abnormal}).all())
        escalated = conn.execute(text(
            "SELECT count(*) FROM records WHERE source_record_id = :ref "
            "AND record_type = 'serious_illegal_list' AND listing_reason = 'abnormal_three_years'"),
            {"ref": f"escalated-from-{abnormal}"}).scalar_one()
        runs = conn.execute(text("SELECT count(*) FROM job_runs WHERE run_key = :k"),
                            {"k": today.isoformat()}).scalar_one()
    assert states == {serious: "expired", abnormal: "expired"}
    assert escalated == 1
    assert runs == 3


def agency_line(n, code=None, **changes):
    line = {"source_record_id": f"imp-{n}", "version": 1, "subject_code": code or new_uscc(),
            "subject_name": f"广州导入测试{n}有限公司", "district_code": "440106",
            "decision_number": f"穗环罚〔2026〕{n}号", "decision_date": "2026-03-01",
            "penalty_kinds": ["fine"], "fine_amount": "5000.00",
            "deciding_department_name": "广州市生态环境局"}
    line.update(changes)
    return line


def import_file(database_url, path, agency, *options) -> dict:
    """The way ``make import`` runs it: its own process (COPY needs a plain, unpatched one)."""
    done = subprocess.run([sys.executable, "-m", "disclosure", "import", str(path), "--agency",
                           agency, "--quiet", *options], capture_output=True, text=True,
                          timeout=120,
                          env={**os.environ, "DISCLOSURE_DATABASE_URL": database_url})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_bulk_import_writes_good_lines_reports_bad_ones_and_is_idempotent(engine, database_urls,
                                                                          tmp_path):
    agency = f"gz-env-{uuid.uuid4().hex[:6]}"
    bad_code = new_uscc()
    bad_code = bad_code[:-1] + ("0" if bad_code[-1] != "0" else "1")
    lines = [agency_line(n) for n in range(30)]
    lines += [agency_line(90, code=bad_code), agency_line(91, district_code="999999"),
              agency_line(92, decision_date=(date.today() + timedelta(days=5)).isoformat())]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
                    + "\n{not json\n", encoding="utf-8")

    first = import_file(database_urls["disclosure"], path, agency)
    assert (first["created"], first["rejected"]) == (30, 4)
    report = [json.loads(line) for line in
              (tmp_path / "records.jsonl.errors.jsonl").read_text().splitlines()]
    assert [(r["line"], r["code"]) for r in report] == [
        (31, "INVALID_SUBJECT_CODE"), (32, "UNKNOWN_DISTRICT"), (33, "DATE_IN_FUTURE"),
        (34, "INVALID_JSON")]

    again = import_file(database_urls["disclosure"], path, agency)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 30)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM records WHERE source_agency = :a"),
                              {"a": agency}).scalar_one()
        messages = conn.execute(text(
            "SELECT body FROM outbox WHERE body->'payload'->'source_record'->>'agency' = :a"),
            {"a": agency}).scalars().all()
    assert stored == 30 and len(messages) == 30
    # written by SQL, so checked against the contract the other agencies rely on
    for body in messages:
        PublicityChanged.model_validate(body)


def test_batches_written_at_once_agree_on_new_subjects_and_on_the_newest_version(
        engine, database_urls, tmp_path):
    """Batches of 3 lines, two in flight: the same new subjects arrive in several batches,
    and versions of one record arrive out of order across them."""
    agency = f"gz-env-{uuid.uuid4().hex[:6]}"
    shared = [new_uscc() for _ in range(4)]
    lines = [agency_line(n, code=shared[n % 4]) for n in range(24)]
    for version, n in ((1, 30), (3, 31), (2, 32)):  # one record, in three batches
        lines.insert(3 * (version + 1), agency_line(n, code=shared[0], version=version,
                                                    source_record_id="imp-versions"))
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
                    encoding="utf-8")
    counts = import_file(database_urls["disclosure"], path, agency, "--batch", "3")
    assert counts["lines"] == 27 and counts["rejected"] == 0
    assert counts["created"] == 25
    with engine.connect() as conn:
        subjects = conn.execute(text(
            "SELECT count(*) FROM subjects WHERE uscc = ANY(:codes)"),
            {"codes": shared}).scalar_one()
        stored = conn.execute(text(
            "SELECT count(*) FROM records WHERE source_agency = :a"), {"a": agency}).scalar_one()
        newest = conn.execute(text(
            "SELECT source_version, decision_number FROM records WHERE source_agency = :a "
            "AND source_record_id = 'imp-versions'"), {"a": agency}).one()
    assert subjects == 4 and stored == 25
    assert tuple(newest) == (3, "穗环罚〔2026〕31号")


def run_demo_data(test_run_id, *args) -> str:
    # a process of its own, as make demo-data runs it (COPY needs a driver not under eventlet)
    env = {**os.environ, **isolation.environment(test_run_id)}
    return subprocess.run([sys.executable, "-m", "disclosure", "demo-data", "--quiet", *args],
                          env=env, capture_output=True, text=True, check=True,
                          timeout=120).stdout


def test_demo_data_is_deterministic_spread_and_idempotent(engine, test_run_id):
    first = run_demo_data(test_run_id, "--subjects", "1500", "--seed", "99")
    added = int(re.search(r"新增主体 (\d+) 个", first).group(1))
    assert added >= 1500
    second = run_demo_data(test_run_id, "--subjects", "1500", "--seed", "99")
    assert "新增主体 0 个、记录 0 条" in second
    # 两书同达: the demo's own penalty is announced once, the generated thousands never
    with engine.connect() as conn:
        announced = conn.execute(text(
            "SELECT body->'data'->>'record_id' FROM outbox "
            "WHERE routing_key = 'penalty_recorded'")).scalars().all()
        demo_penalty = conn.execute(text(
            "SELECT id::text FROM records WHERE source_record_id = 'demo-subject-0'")).scalar_one()
    assert announced.count(demo_penalty) == 1
    assert len(announced) == len(set(announced))
    with engine.connect() as conn:
        types = set(conn.execute(text(
            "SELECT DISTINCT record_type FROM records WHERE source_record_id LIKE 'demo-%'"
        )).scalars())
        kinds = set(conn.execute(text("SELECT DISTINCT kind FROM subjects")).scalars())
        invalid = [code for code in conn.execute(text(
            "SELECT uscc FROM subjects WHERE uscc IS NOT NULL")).scalars()
            if not uscc.is_valid(code)]
        # checksum and a birth place that existed in the birth year (stdnum checks both)
        invalid_ids = [number for number in conn.execute(text(
            "SELECT legal_rep_document_number FROM subjects "
            "WHERE legal_rep_document_type = 'resident_id' AND legal_rep_document_number <> ''"
        )).scalars() if not ric.is_valid(number)]
    assert invalid_ids == []
    assert len(types) == 6
    assert kinds >= {"enterprise", "individual_business", "cooperative"}
    assert invalid == []


def publish_case_decision(amqp_uri, case_id, case_version, status, record_id):
    import pika

    from credit_common.contracts.envelope import EventEnvelope
    from credit_common.contracts.events import CaseStatusChanged
    from credit_common.topology import declare_subscription, find_subscription

    event = CaseStatusChanged(
        case_id=case_id, application_id=uuid.uuid4(), acceptance_number="XF-440106-20261207-000001",
        case_version=case_version, status=status, occurred_at="2026-12-07T08:00:00+08:00",
        decision_id=f"{case_id}:{case_version}", record_type="abnormal_operation_list",
        record_ids=[record_id])
    envelope = EventEnvelope(event_type=event.event_type, source=event.source,
                             data=event.model_dump(mode="json"))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription("workflow", "case_status_changed",
                                                    "disclosure"))
    channel.basic_publish("workflow.events", "case_status_changed",
                          json.dumps(envelope.model_dump(mode="json")).encode(),
                          pika.BasicProperties(content_type="application/json",
                                               message_id=str(envelope.message_id)))
    connection.close()
    return envelope.message_id


def wait_until_handled(engine, message_id, timeout=10):
    import time

    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            if conn.execute(text("SELECT 1 FROM processed_messages WHERE message_id = :m"),
                            {"m": str(message_id)}).first():
                return
        assert time.monotonic() < deadline, "the case decision was not handled in time"
        time.sleep(0.05)


@pytest.mark.parametrize("revocation_first", [True, False], ids=["revoked-first",
                                                                 "approved-first"])
def test_an_approval_and_its_revocation_in_either_order_leave_the_record_listed(
        disclosure, engine, amqp_uri, revocation_first):
    record_id = add_subject(engine, "广州撤销顺序测试有限公司")["records"][0]
    case_id = uuid.uuid4()
    steps = [(4, "approved"), (6, "revoked")]
    for version, status in (reversed(steps) if revocation_first else steps):
        wait_until_handled(engine, publish_case_decision(amqp_uri, case_id, version, status,
                                                         record_id))
    detail = disclosure.get_record(str(record_id))
    assert detail["record"]["publicity_state"] == "active"
    expected = [] if revocation_first else [f"{case_id}:4/{record_id}", f"{case_id}:6/{record_id}"]
    assert [h["cause_ref"] for h in detail["history"]] == expected
