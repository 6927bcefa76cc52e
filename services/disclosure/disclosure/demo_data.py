"""Demo data: Guangzhou subjects and their records, deterministic for a seed.

``python -m disclosure demo-data`` (``make demo-data``: a few thousand subjects, part of
``make run``) and ``python -m disclosure demo-data --subjects 1000000``
(``make demo-data-large N=1000000``). Running it twice adds nothing: ids derive from the seed
and the index, rows are copied into a staging table and inserted ``ON CONFLICT DO NOTHING``.

The spread is realistic enough to exercise every path: the three kinds of subject, the six
record types and their listing reasons, all eleven districts, dates over four years (so some
records are eligible for repair today, some not yet, and severe penalties never).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import uuid
from datetime import date, timedelta

import psycopg2
from faker import Faker
from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_10
from tqdm import tqdm

from credit_common.contracts.vocabulary import (ListingReason, PenaltyKind, PublicityState,
                                                RecordType, RegistrationStatus)
from credit_common.reference.organisation import DISTRICTS, OFFICE_PLACES, offices_of
from credit_common.relay import libpq_dsn
from credit_common.settings import ServiceSettings
from disclosure.bulk_import import announce_penalties

NAMESPACE = uuid.UUID("5b0c1f7e-4f55-4d55-9b61-2f1d6a1c0a11")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
TODAY = date(2026, 11, 24)  # fixed, so a seed always gives the same data

#: documented in the README: the demo logins' phones own these subjects
DEMO_SUBJECTS = [
    # (uscc or registration number, name, kind, district, legal rep, phone, record type)
    ("91440106MA5DM0001", "广州天河示范科技有限公司", "enterprise", "440106", "陈示范",
     "13800000001", RecordType.penalty_publicity),
    ("91440104MA5DM0002", "广州越秀示范贸易有限公司", "enterprise", "440104", "李示范",
     "13800000002", RecordType.abnormal_operation_list),
    ("92440111MA5DM0003", "白云区示范便利店", "individual_business", "440111", "王示范",
     "13800000003", RecordType.individual_abnormal_status),
    ("93440117MA5DM0004", "广州市从化区示范荔枝专业合作社", "cooperative", "440117", "张示范",
     "13800000004", RecordType.cooperative_abnormal_list),
    ("91440113MA5DM0005", "广州番禺示范食品有限公司", "enterprise", "440113", "刘示范",
     "13800000005", RecordType.serious_illegal_list),
]

INDUSTRIES = ["科技", "贸易", "餐饮", "食品", "建材", "物流", "电子", "服装", "医药", "文化传媒",
              "教育咨询", "装饰工程", "信息技术", "商务服务", "汽车服务", "五金", "家具", "化妆品"]
SHOPS = ["便利店", "五金店", "小吃店", "服装店", "烟酒店", "美发店", "水果店", "茶餐厅", "粮油店"]
CROPS = ["荔枝", "蔬菜", "花卉", "水产", "茶叶", "家禽", "水果", "苗木"]
ABNORMAL_REASONS = [ListingReason.annual_report_overdue] * 6 + [
    ListingReason.unreachable_address] * 3 + [ListingReason.instant_info_not_published,
                                              ListingReason.false_information]
DEPARTMENTS = ["广州市生态环境局", "广州市税务局第一稽查局", "广州市交通运输局", "广州市人力资源和社会保障局",
               "广州市应急管理局", "广州市城市管理和综合执法局"]

SUBJECT_COLUMNS = ["id", "uscc", "registration_number", "name", "kind", "district_code",
                   "registration_unit_code", "address", "registration_status", "legal_rep_name",
                   "legal_rep_document_type", "legal_rep_document_number", "legal_rep_phone",
                   "liaison_phone", "proof_material_mode", "established_on"]
RECORD_COLUMNS = ["id", "subject_id", "record_type", "publicity_state", "listing_reason",
                  "listing_date", "listing_unit_code", "listing_document_number",
                  "decision_number", "decision_date", "publicity_start_date", "penalty_domain",
                  "penalty_kinds", "fine_amount", "severe", "deciding_unit_code",
                  "deciding_department_name", "source_agency", "source_record_id",
                  "district_code"]


def make_uscc(rng: random.Random, prefix: str, district: str, index: int) -> str:
    """The subject's index is spelled into six of the nine free characters, so no two
    generated subjects share a code however many are made."""
    digits = []
    for _ in range(6):
        index, digit = divmod(index, len(USCC_ALPHABET))
        digits.append(USCC_ALPHABET[digit])
    body = (prefix + district + "".join(rng.choice(USCC_ALPHABET) for _ in range(3))
            + "".join(reversed(digits)))
    return body + uscc.calc_check_digit(body + "0")


def make_registration_number(district: str, index: int) -> str:
    body = district + f"{index:08d}"
    return body + mod_11_10.calc_check_digit(body)


#: birth place codes a person born from 1986 on can carry (天河区 440106 and its neighbours
#: date from 1985; 从化 and 增城 became districts only in 2014)
BIRTH_PLACES = ("440103", "440104", "440105", "440106", "440111", "440112")


def make_resident_id(rng: random.Random, district: str) -> str:
    """Valid in full: checksum, and a birth place code that existed in the birth year.
    People registered in a district were not necessarily born there."""
    place = district if district in BIRTH_PLACES else rng.choice(BIRTH_PLACES)
    born = date(1986, 1, 1) + timedelta(days=rng.randrange(365 * 18))
    body = f"{place}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


class Pools:
    """Faker is slow per call: draw names and addresses once, combine them many times."""

    def __init__(self, seed: int):
        faker = Faker("zh_CN")
        faker.seed_instance(seed)
        self.stems = sorted({faker.company_prefix() for _ in range(3000)})
        self.people = [faker.name() for _ in range(5000)]
        self.streets = [faker.street_name() for _ in range(800)]
        self.phones = [faker.phone_number() for _ in range(5000)]


def subject_row(i: int, rng: random.Random, pools: Pools) -> dict:
    district = rng.choice(list(DISTRICTS))
    district_name = DISTRICTS[district][0]
    roll = rng.random()
    kind = "enterprise" if roll < 0.7 else "individual_business" if roll < 0.95 else "cooperative"
    stem = rng.choice(pools.stems)
    if kind == "enterprise":
        name = f"广州{district_name[:-1]}{stem}{rng.choice(INDUSTRIES)}有限公司"
        code = make_uscc(rng, "91", district, i)
    elif kind == "individual_business":
        name = f"{district_name}{stem}{rng.choice(SHOPS)}"
        code = make_uscc(rng, "92", district, i)
    else:
        place = rng.choice(OFFICE_PLACES[district])
        name = f"广州市{district_name}{place}{stem}{rng.choice(CROPS)}专业合作社"
        code = make_uscc(rng, "93", district, i)
    only_registration_number = kind == "individual_business" and rng.random() < 0.15
    office = rng.choice(offices_of(district))
    foreign = rng.random() < 0.02
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"subject-{i}")),
        "uscc": None if only_registration_number else code,
        "registration_number": make_registration_number(district, i)
        if only_registration_number else None,
        "name": name,
        "kind": kind,
        "district_code": district,
        "registration_unit_code": office.code,
        "address": f"广州市{district_name}{rng.choice(pools.streets)}{rng.randrange(1, 999)}号",
        "registration_status": RegistrationStatus.active if rng.random() < 0.93
        else RegistrationStatus.revoked,
        "legal_rep_name": rng.choice(pools.people),
        "legal_rep_document_type": "hk_macao_permit" if foreign else "resident_id",
        "legal_rep_document_number": f"H{rng.randrange(10**8):08d}" if foreign
        else make_resident_id(rng, district),
        "legal_rep_phone": rng.choice(pools.phones),
        "liaison_phone": rng.choice(pools.phones),
        "proof_material_mode": False,
        "established_on": TODAY - timedelta(days=rng.randrange(200, 365 * 20)),
    }


def record_rows(i: int, subject: dict, rng: random.Random) -> list[dict]:
    """About four subjects in ten carry records; a few carry two."""
    if rng.random() > 0.4:
        return []
    kinds = {"enterprise": [RecordType.abnormal_operation_list] * 5
             + [RecordType.penalty_publicity] * 3 + [RecordType.serious_illegal_list,
                                                     RecordType.other_department_penalty],
             "individual_business": [RecordType.individual_abnormal_status] * 3
             + [RecordType.penalty_publicity],
             "cooperative": [RecordType.cooperative_abnormal_list] * 3
             + [RecordType.penalty_publicity]}[subject["kind"]]
    rows = []
    for n in range(1 if rng.random() < 0.85 else 2):
        rows.append(_record(i, n, subject, rng.choice(kinds), rng))
    return rows


def _record(i: int, n: int, subject: dict, record_type: str, rng: random.Random) -> dict:
    district = subject["district_code"]
    prefix = DISTRICTS[district][1]
    day = TODAY - timedelta(days=rng.randrange(10, 365 * 4))
    row = dict.fromkeys(RECORD_COLUMNS)
    row.update(id=str(uuid.uuid5(NAMESPACE, f"record-{i}-{n}")), subject_id=subject["id"],
               record_type=record_type, publicity_state=PublicityState.active,
               district_code=district,
               source_agency="samr-guangzhou", source_record_id=f"demo-{i}-{n}",
               penalty_kinds="{}", severe=False)
    if record_type in (RecordType.penalty_publicity, RecordType.other_department_penalty):
        severe = record_type == RecordType.penalty_publicity and rng.random() < 0.08
        kinds = [PenaltyKind.fine] if not severe else [PenaltyKind.fine, PenaltyKind.suspension]
        if rng.random() < 0.3:
            kinds.append(PenaltyKind.confiscation)
        row.update(decision_date=day, publicity_start_date=day + timedelta(days=rng.randrange(1, 8)),
                   decision_number=f"{prefix}市监罚〔{day.year}〕{rng.randrange(1, 3000)}号",
                   penalty_domain=rng.choice(["food", "drugs", "special_equipment", "other",
                                              "other", "other"]),
                   penalty_kinds="{" + ",".join(kinds) + "}",
                   fine_amount=f"{rng.randrange(5, 2000) * 100}.00", severe=severe)
        if record_type == RecordType.other_department_penalty:
            row.update(deciding_department_name=rng.choice(DEPARTMENTS),
                       decision_number=f"穗罚字〔{day.year}〕{rng.randrange(1, 3000)}号")
        else:
            row.update(deciding_unit_code=subject["registration_unit_code"])
    else:
        reason = (ListingReason.serious_violation
                  if record_type == RecordType.serious_illegal_list
                  else rng.choice(ABNORMAL_REASONS))
        if record_type == RecordType.cooperative_abnormal_list and \
                reason == ListingReason.instant_info_not_published:
            reason = ListingReason.annual_report_overdue
        unit = subject["registration_unit_code"] if record_type != RecordType.serious_illegal_list \
            else district
        row.update(listing_reason=reason, listing_date=day, listing_unit_code=unit,
                   listing_document_number=f"{prefix}市监异〔{day.year}〕{rng.randrange(1, 9000)}号")
    return row


def demo_subject_rows() -> tuple[list[dict], list[dict]]:
    subjects, records = [], []
    rng = random.Random(7)
    for n, (code, name, kind, district, person, phone, record_type) in enumerate(DEMO_SUBJECTS):
        code = code[:17] + uscc.calc_check_digit(code[:17] + "0")
        subject = {
            "id": str(uuid.uuid5(NAMESPACE, f"demo-subject-{n}")), "uscc": code,
            "registration_number": None, "name": name, "kind": kind, "district_code": district,
            "registration_unit_code": offices_of(district)[0].code,
            "address": f"广州市{DISTRICTS[district][0]}示范路{n + 1}号",
            "registration_status": RegistrationStatus.active, "legal_rep_name": person,
            "legal_rep_document_type": "resident_id",
            "legal_rep_document_number": make_resident_id(rng, district),
            "legal_rep_phone": phone, "liaison_phone": phone, "proof_material_mode": False,
            "established_on": date(2015, 3, 1)}
        subjects.append(subject)
        record = _record(-1 - n, 0, subject, record_type, rng)
        # eligible today: listed or decided well over a year ago, not severe
        day = TODAY - timedelta(days=420)
        for field in ("listing_date", "decision_date"):
            if record[field] is not None:
                record[field] = day
        for field in ("listing_document_number", "decision_number"):
            if record[field]:
                record[field] = re.sub(r"〔\d{4}〕", f"〔{day.year}〕", record[field])
        if record["publicity_start_date"] is not None:
            record["publicity_start_date"] = day + timedelta(days=3)
        record["severe"] = False
        record["penalty_kinds"] = "{fine}" if record["decision_date"] else "{}"
        record["id"] = str(uuid.uuid5(NAMESPACE, f"demo-record-{n}"))
        record["source_record_id"] = f"demo-subject-{n}"
        records.append(record)
    return subjects, records


def _copy(cursor, table: str, columns: list[str], rows: list[dict]) -> int:
    """COPY into a staging table, then insert what is new: fast and idempotent."""
    if not rows:
        return 0
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["\\N" if row[c] is None else row[c] for c in columns])
    buffer.seek(0)
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS staging_{table} "
                   f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
    # columns the database derives (generated, or filled by a trigger on the real table)
    cursor.execute(f"ALTER TABLE staging_{table} DROP COLUMN IF EXISTS name_bigrams, "
                   "DROP COLUMN IF EXISTS search_name")
    cursor.copy_expert(f"COPY staging_{table} ({', '.join(columns)}) FROM STDIN "
                       "WITH (FORMAT csv, NULL '\\N')", buffer)
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) "
                   f"SELECT {', '.join(columns)} FROM staging_{table} ON CONFLICT DO NOTHING")
    return cursor.rowcount


def load(database_url: str, subjects: int, seed: int, chunk: int = 20000,
         progress: bool = True) -> dict[str, int]:
    rng = random.Random(seed)
    pools = Pools(seed)
    added = {"subjects": 0, "records": 0}
    # a chunk of a city-scale registry may take longer than the role's statement timeout
    connection = psycopg2.connect(libpq_dsn(database_url), **ServiceSettings().connect_args(),
                                  options="-c statement_timeout=0")
    try:
        with connection, connection.cursor() as cursor:
            demo_subjects, demo_records = demo_subject_rows()
            added["subjects"] += _copy(cursor, "subjects", SUBJECT_COLUMNS, demo_subjects)
            added["records"] += _copy(cursor, "records", RECORD_COLUMNS, demo_records)
        bar = tqdm(total=subjects, unit="主体", disable=not progress, desc="生成演示数据")
        for start in range(0, subjects, chunk):
            subject_batch, record_batch = [], []
            for i in range(start, min(start + chunk, subjects)):
                subject = subject_row(i, rng, pools)
                subject_batch.append(subject)
                record_batch += record_rows(i, subject, rng)
            with connection, connection.cursor() as cursor:
                added["subjects"] += _copy(cursor, "subjects", SUBJECT_COLUMNS, subject_batch)
                added["records"] += _copy(cursor, "records", RECORD_COLUMNS, record_batch)
            bar.update(len(subject_batch))
        bar.close()
        with connection, connection.cursor() as cursor:
            # 两书同达: the demo subjects' own penalty gets its 信用修复告知书 as an imported one
            # does; new records are those without history yet, so a second load announces none
            cursor.execute(
                "SELECT r.id::text FROM records r WHERE r.source_record_id LIKE 'demo-subject-%' "
                "AND NOT EXISTS (SELECT 1 FROM record_history h WHERE h.record_id = r.id)")
            announce_penalties(cursor, [row[0] for row in cursor.fetchall()])
            cursor.execute(
                "INSERT INTO record_history (record_id, from_state, to_state, cause_kind, "
                "cause_ref, occurred_at) SELECT r.id, NULL, r.publicity_state, 'import', "
                "'demo-data', r.created_at FROM records r WHERE r.source_record_id LIKE 'demo-%' "
                "AND NOT EXISTS (SELECT 1 FROM record_history h WHERE h.record_id = r.id)")
            cursor.execute("ANALYZE subjects; ANALYZE records")
    finally:
        connection.close()
    return added


def main(argv: list[str] | None = None) -> int:
    from disclosure.config import DisclosureSettings

    parser = argparse.ArgumentParser(prog="disclosure demo-data", description="载入演示数据")
    parser.add_argument("--subjects", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    added = load(DisclosureSettings().database_url, args.subjects, args.seed,
                 progress=not args.quiet)
    print(f"演示数据：新增主体 {added['subjects']} 个、记录 {added['records']} 条"
          f"（已存在的不重复写入）")
    return 0
