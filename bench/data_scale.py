"""Data-scale figures: the public registry at city size.

The registry in ``credit_bench_disclosure`` is generated once (``python -m disclosure
demo-data``, deterministic, idempotent) and reused by later runs; a run only adds what is
missing. Searches and lookups are timed both as the disclosure RPC (the service's own cost,
which the targets judge) and as HTTP through the gateway (what a browser sees).
"""

from __future__ import annotations

import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import quote

import sqlalchemy as sa

from bench import database, timing

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: what people type into the public query box: 2-character terms, longer substrings, two short
#: terms ANDed, a filter on top of a term, and a term nobody has
SEARCH_MIX = [
    {"name": "天河"}, {"name": "科技"}, {"name": "白云"}, {"name": "餐饮"}, {"name": "番禺"},
    {"name": "科技有限"}, {"name": "贸易有限公司"}, {"name": "专业合作社"},
    {"name": "天河 科技"}, {"name": "白云 贸易"}, {"name": "海珠 餐饮"}, {"name": "越秀 服务"},
    {"name": "科技", "record_type": "abnormal_operation_list"},
    {"name": "贸易", "district_code": "440111"},
    {"name": "荔枝", "date_from": "2024-01-01"},
    {"name": "不存在的名称词"},
]


def count_subjects(database_url: str) -> int:
    with database.engine(database_url) as engine:
        with engine.connect() as connection:
            # the planner's estimate is enough to decide whether to generate, and instant
            estimate = connection.execute(sa.text(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = 'subjects'::regclass"
            )).scalar_one()
            if estimate < 0 or estimate < 10_000:
                return connection.execute(sa.text(
                    "SELECT count(*) FROM subjects")).scalar_one()
            return estimate


def add_listed_record(conn, record_id, subject_id, unit_code: str, source_record_id: str) -> None:
    """An active listing in district 440106 (annual report overdue, listed 400 days ago): a
    record a case can repair."""
    conn.execute(sa.text(
        "INSERT INTO records (id, subject_id, record_type, listing_reason, "
        "listing_date, listing_unit_code, source_record_id, district_code) VALUES "
        "(:id, :s, 'abnormal_operation_list', 'annual_report_overdue', "
        "current_date - 400, :unit, :ref, '440106')"),
        {"id": record_id, "s": subject_id, "unit": unit_code, "ref": source_record_id})


def ensure_registry(database_url: str, subjects: int) -> dict:
    """Generate the registry up to ``subjects`` unless it is there already."""
    present = count_subjects(database_url)
    generated_s = None
    if present < subjects * 0.99:
        print(f"generating the registry: {subjects:,} subjects (once; reused by later runs) ...",
              flush=True)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "disclosure", "demo-data", "--subjects",
                        str(subjects)], cwd=ROOT, check=True, timeout=3600,
                       env={**os.environ, "DISCLOSURE_DATABASE_URL": database_url})
        generated_s = round(time.monotonic() - started, 1)
        present = count_subjects(database_url)
    return {"subjects": int(present), "generated_in_s": generated_s}


def sample_codes(database_url: str, n: int, seed: int = 7, percent: float = 1) -> list[str]:
    """Registered USCCs, a repeatable sample; subjects that earlier runs' bulk imports gave
    records are left out, so the lookups see the registry as generated. (A count per sampled
    subject, by index: with stale statistics an anti-join can choose a scan of every record
    for each subject.)"""
    with database.engine(database_url) as engine:
        with engine.connect() as connection:
            codes = connection.execute(sa.text(
                f"SELECT uscc FROM subjects s TABLESAMPLE SYSTEM ({float(percent)}) "
                "REPEATABLE (:seed) WHERE uscc IS NOT NULL AND (SELECT count(*) FROM records r "
                "WHERE r.subject_id = s.id AND r.source_agency LIKE 'bench-%') = 0 "
                "LIMIT :n"), {"seed": seed, "n": n}).scalars().all()
    return list(codes)


def search_calls(calls: int) -> list[dict]:
    return [SEARCH_MIX[i % len(SEARCH_MIX)] for i in range(calls)]


def measure_search_rpc(amqp_uri: str, calls: int, warmup: int) -> list[float]:
    return timing.time_rpc(amqp_uri, "disclosure", [
        ("search_records", {"query": q}) for q in search_calls(warmup + calls)], warmup)


def measure_search_http(gateway_url: str, calls: int, warmup: int) -> list[float]:
    urls = [f"{gateway_url}/api/v1/public/records?"
            + "&".join(f"{k}={quote(v)}" for k, v in q.items())
            for q in search_calls(warmup + calls)]
    return timing.time_http(urls, warmup)


def measure_lookup_rpc(amqp_uri: str, codes: list[str], calls: int,
                       warmup: int) -> list[float]:
    rng = random.Random(11)
    chosen = [rng.choice(codes) for _ in range(warmup + calls)]
    return timing.time_rpc(amqp_uri, "disclosure", [
        ("lookup_subject", {"code": c}) for c in chosen], warmup)


def measure_lookup_http(gateway_url: str, codes: list[str], calls: int,
                        warmup: int) -> list[float]:
    rng = random.Random(13)
    return timing.time_http([f"{gateway_url}/api/v1/public/subjects/{rng.choice(codes)}"
                       for _ in range(warmup + calls)], warmup)


def measure_bulk_import(database_url: str, lines: int) -> dict:
    """Another agency's penalties against registered subjects, as one JSONL file, through
    ``python -m disclosure import`` (the path ``make import`` takes). A fresh agency code per
    run, so every line creates a record; about two records a subject, on subjects sampled
    afresh each run, so runs do not pile records onto the same subjects (the lookups then
    leave the imported-to subjects out)."""
    agency = f"bench-{uuid.uuid4().hex[:8]}"
    rng = random.Random(17)
    codes = sample_codes(database_url, max(1, lines // 2), seed=uuid.uuid4().int % 10**6,
                         percent=10)
    with tempfile.TemporaryDirectory(prefix="credit-bench-import-") as folder:
        path = pathlib.Path(folder) / "records.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for n in range(lines):
                handle.write(json.dumps({
                    "source_record_id": f"{agency}-{n}", "version": 1,
                    "subject_code": rng.choice(codes), "subject_name": f"广州基准导入{n}有限公司",
                    "district_code": "440106", "decision_number": f"穗环罚〔2026〕{n}号",
                    "decision_date": "2026-03-01", "penalty_kinds": ["fine"],
                    "fine_amount": "5000.00", "deciding_department_name": "广州市生态环境局",
                }, ensure_ascii=False) + "\n")
        output = subprocess.run(
            [sys.executable, "-m", "disclosure", "import", str(path), "--agency", agency,
             "--quiet"], cwd=ROOT, check=True, capture_output=True, text=True, timeout=600,
            env={**os.environ, "DISCLOSURE_DATABASE_URL": database_url})
    counts = json.loads(output.stdout.strip().splitlines()[-1])
    if counts["created"] != lines or counts["rejected"]:
        raise RuntimeError(f"bulk import wrote {counts}, expected {lines} new records")
    return {"lines": lines, "seconds": counts["seconds"],
            "records_per_s": round(lines / counts["seconds"])}
