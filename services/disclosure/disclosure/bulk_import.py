"""``python -m disclosure import FILE [--agency CODE]`` (``make import FILE=...``): records
from a JSONL or CSV file, set-based: other departments' penalties, and a city's own penalties
and listings on the four lists with their removals.

Every line is checked like a bus message (``AgencyRecord``: checksums, known district and
unit, a listing reason of its list, no future dates); bad lines go to ``FILE.errors.jsonl``
with their line number, a code and a Chinese reason naming each field, the rest are written
in batches: subjects inserted if new, records upserted by ``(source_agency,
source_record_id)`` only when the line's version is newer, a history entry and a
``record.publicity_changed.v1`` message (outbox) for every record created. A line with
``"action": "remove"`` (``Withdrawal``'s fields) removes a listing from its list (an
individual business's status is restored), or withdraws a penalty, once every record line is
written, only when its version is newer. Importing the same file twice changes nothing. CSV
columns are the field names, with ``penalty_kinds`` separated by ``|``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import pathlib
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date

import psycopg2
from pydantic import ValidationError
from tqdm import tqdm

from credit_common.clock import now
from credit_common.contracts.interagency import AGENCY_CODE, AgencyRecord, Withdrawal
from credit_common.contracts.vocabulary import RecordType
from credit_common.ids import uuid7
from credit_common.relay import libpq_dsn
from credit_common.settings import ServiceSettings
from credit_common.validation import describe, field_errors
from credit_common.contracts.envelope import EventEnvelope
from credit_common.topology import events_exchange
from disclosure.adapters.repository import RECORD_COLUMNS, SUBJECT_COLUMNS
from disclosure.domain.agency_records import RejectedMessage, check_agency_record
from disclosure.domain.model import LIST_TYPES, Record, Subject
from disclosure.handlers.repair_notices import penalty_recorded

BATCH = 5000
#: batches written at once, each on its own connection: PostgreSQL spends most of an import
#: maintaining the records' indexes, and a second batch keeps the second core busy meanwhile.
#: Batches are independent: a record is written only if its version is newer, whichever
#: batch comes first, and new subjects are inserted in code order, so two batches wait on
#: each other's new subjects instead of deadlocking.
APPLIERS = 2


def read_lines(path: pathlib.Path):
    """Yield (line number, dict) from a JSONL or CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if path.suffix.lower() == ".csv":
            for number, row in enumerate(csv.DictReader(handle), start=2):
                row = {k: v for k, v in row.items() if v not in ("", None)}
                if "penalty_kinds" in row:
                    row["penalty_kinds"] = row["penalty_kinds"].split("|")
                yield number, row
        else:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield number, json.loads(line)
                    except ValueError as exc:
                        yield number, exc


UPSERT, REMOVE = "upsert", "remove"


def check(row, today: date) -> tuple[str, AgencyRecord | Withdrawal, str | None]:
    """(action, the checked line, its subject code): a record to write or a removal."""
    if isinstance(row, Exception):
        raise RejectedMessage("INVALID_JSON", f"不是有效的 JSON：{row}")
    if not isinstance(row, dict):
        raise RejectedMessage("INVALID_RECORD", "每行应为一个 JSON 对象")
    row = dict(row)
    action = row.pop("action", UPSERT)
    if action not in (UPSERT, REMOVE):
        raise RejectedMessage("INVALID_RECORD", f"action：取值无效，可选：{UPSERT}、{REMOVE}")
    model = AgencyRecord if action == UPSERT else Withdrawal
    try:
        line = model.model_validate(row)
    except ValidationError as exc:
        raise RejectedMessage("INVALID_RECORD", describe(field_errors(exc))) from None
    if action == REMOVE:
        return action, line, None
    return action, line, check_agency_record(line, today, allowed_types=frozenset(RecordType))


STAGE_SQL = """
CREATE TEMP TABLE IF NOT EXISTS import_stage (
    line integer, subject_id uuid, code text, name text, kind text, district_code text,
    record_id uuid, source_record_id text, version bigint, record_type text,
    decision_number text, decision_date date, publicity_start_date date,
    publicity_end_date date, penalty_domain text, penalty_kinds text[], fine_amount numeric,
    severe boolean, deciding_department_name text, message_id uuid, deciding_unit_code text,
    listing_reason text, listing_date date, listing_unit_code text,
    listing_document_number text, obligations_fulfilled_on date
) ON COMMIT DELETE ROWS
"""

def _announce(changed: str, staged: str, from_state: str, to_state: str) -> str:
    """The body of a CTE staging a ``record.publicity_changed.v1`` message (outbox) for each
    record of ``changed`` (alias c), its message id and source record from ``staged``."""
    return f"""
    INSERT INTO outbox (message_id, exchange, routing_key, body)
    SELECT s.message_id, 'interagency', 'record.publicity_changed.v1', jsonb_build_object(
        'schema_version', '1.0', 'message_id', s.message_id, 'source_agency', 'samr-guangzhou',
        'occurred_at', %(now)s, 'payload', jsonb_build_object(
            'record_id', c.id, 'record_type', c.record_type,
            'subject_code', coalesce(sub.uscc, sub.registration_number),
            'subject_name', sub.name, 'from_state', {from_state}, 'to_state', {to_state},
            'cause_kind', 'import', 'cause_ref', %(file)s,
            'source_record', jsonb_build_object('agency', %(agency)s, 'id', s.source_record_id)))
    FROM {changed} c
    JOIN subjects sub ON sub.id = c.subject_id
    JOIN {staged} s ON s.record_id = c.id"""


APPLY_SQL = """
INSERT INTO subjects (id, uscc, registration_number, name, kind, district_code,
                      registration_unit_code)
SELECT DISTINCT ON (code) subject_id, CASE WHEN length(code) = 18 THEN code END,
       CASE WHEN length(code) = 15 THEN code END, name, kind, district_code, district_code
FROM import_stage s
WHERE NOT EXISTS (SELECT 1 FROM subjects WHERE uscc = s.code)
  AND NOT EXISTS (SELECT 1 FROM subjects WHERE registration_number = s.code)
ORDER BY code, line
ON CONFLICT DO NOTHING;

WITH latest AS (
    SELECT DISTINCT ON (s.source_record_id) s.*,
           coalesce(sub.id, s.subject_id) AS owner, lower(coalesce(sub.name, s.name)) AS owner_name
    FROM import_stage s
    LEFT JOIN subjects sub ON sub.uscc = s.code OR sub.registration_number = s.code
    ORDER BY s.source_record_id, s.version DESC, s.line DESC
), written AS (
    INSERT INTO records AS r (id, subject_id, record_type, decision_number, decision_date,
        publicity_start_date, publicity_end_date, penalty_domain, penalty_kinds, fine_amount,
        severe, deciding_department_name, source_agency, source_record_id, source_version,
        district_code, search_name, deciding_unit_code, listing_reason, listing_date,
        listing_unit_code, listing_document_number, obligations_fulfilled_on)
    SELECT record_id, owner, record_type, decision_number, decision_date,
        coalesce(publicity_start_date, decision_date), publicity_end_date, penalty_domain,
        penalty_kinds, fine_amount, severe, deciding_department_name, %(agency)s,
        source_record_id, version, district_code, owner_name, deciding_unit_code,
        listing_reason, listing_date, listing_unit_code, listing_document_number,
        obligations_fulfilled_on
    FROM latest
    ON CONFLICT (source_agency, source_record_id) DO UPDATE SET
        decision_number = EXCLUDED.decision_number, decision_date = EXCLUDED.decision_date,
        publicity_start_date = EXCLUDED.publicity_start_date,
        publicity_end_date = EXCLUDED.publicity_end_date,
        penalty_domain = EXCLUDED.penalty_domain, penalty_kinds = EXCLUDED.penalty_kinds,
        fine_amount = EXCLUDED.fine_amount, severe = EXCLUDED.severe,
        deciding_department_name = EXCLUDED.deciding_department_name,
        deciding_unit_code = EXCLUDED.deciding_unit_code,
        listing_reason = EXCLUDED.listing_reason, listing_date = EXCLUDED.listing_date,
        listing_unit_code = EXCLUDED.listing_unit_code,
        listing_document_number = EXCLUDED.listing_document_number,
        obligations_fulfilled_on = EXCLUDED.obligations_fulfilled_on,
        source_version = EXCLUDED.source_version, version = r.version + 1, updated_at = now()
    -- a newer version only, and never of another type (a penalty does not become a listing)
    WHERE r.source_version < EXCLUDED.source_version AND r.record_type = EXCLUDED.record_type
    RETURNING r.id, r.subject_id, r.record_type, (xmax = 0) AS created
), history AS (
    INSERT INTO record_history (record_id, from_state, to_state, cause_kind, cause_ref)
    SELECT id, NULL, 'active', 'import', %(file)s FROM written WHERE created
), announced AS (""" + _announce("written", "latest", "NULL", "'active'") + """
    WHERE c.created
)
SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created),
       coalesce(array_agg(id::text) FILTER (WHERE created AND record_type = 'penalty_publicity'),
                '{}') FROM written
"""

#: the penalties just created, with their subjects: those of our own units get their notice
CREATED_PENALTIES_SQL = f"""
SELECT {', '.join(f'r.{c} AS r_{c}' for c in RECORD_COLUMNS)},
       {', '.join(f's.{c} AS s_{c}' for c in SUBJECT_COLUMNS)}
FROM records r JOIN subjects s ON s.id = r.subject_id WHERE r.id = ANY(%(ids)s::uuid[])
"""


REMOVAL_STAGE_SQL = """
CREATE TEMP TABLE IF NOT EXISTS removal_stage (
    line integer, source_record_id text, version bigint, reason text, document_number text,
    message_id uuid
) ON COMMIT DELETE ROWS
"""

REMOVE_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (source_record_id) * FROM removal_stage
    ORDER BY source_record_id, version DESC, line DESC
), target AS (
    SELECT l.*, r.id AS record_id, r.source_version
    FROM latest l
    LEFT JOIN records r ON r.source_agency = %(agency)s AND r.source_record_id = l.source_record_id
), changed AS (
    UPDATE records r SET publicity_state = CASE r.record_type
            WHEN 'individual_abnormal_status' THEN 'restored' ELSE 'removed' END,
        source_version = t.version, version = r.version + 1, updated_at = now()
    FROM target t
    WHERE r.id = t.record_id AND r.source_version < t.version AND r.publicity_state = 'active'
    RETURNING r.id, r.subject_id, r.record_type, r.publicity_state AS to_state
), history AS (
    INSERT INTO record_history (record_id, from_state, to_state, cause_kind, cause_ref, note)
    SELECT c.id, 'active', c.to_state, 'import', %(file)s,
           t.reason || coalesce('（' || t.document_number || '）', '')
    FROM changed c JOIN target t ON t.record_id = c.id
), announced AS (""" + _announce("changed", "target", "'active'", "c.to_state") + """
)
SELECT t.line, t.record_id IS NULL AS unknown, c.id IS NOT NULL AS removed
FROM target t LEFT JOIN changed c ON c.id = t.record_id
"""


def import_file(database_url: str, path: pathlib.Path, agency: str,
                progress: bool = True, batch_size: int = BATCH) -> dict:
    today = now().date()
    counts = {"lines": 0, "created": 0, "updated": 0, "unchanged": 0, "removed": 0,
              "rejected": 0}
    errors_path = path.with_name(path.name + ".errors.jsonl")
    appliers = _Appliers(database_url, agency, path.name)
    started = time.monotonic()
    removals = []
    try:
        with errors_path.open("w", encoding="utf-8") as errors, \
                tqdm(unit="行", disable=not progress, desc=f"导入 {path.name}") as bar:

            def reject(number: int, exc: RejectedMessage) -> None:
                counts["rejected"] += 1
                errors.write(json.dumps({"line": number, "code": exc.code,
                                         "reason": exc.reason}, ensure_ascii=False) + "\n")

            batch = []
            for number, row in read_lines(path):
                counts["lines"] += 1
                try:
                    action, line, code = check(row, today)
                except RejectedMessage as exc:
                    reject(number, exc)
                    continue
                if action == REMOVE:
                    removals.append((number, line))
                    continue
                batch.append((number, line, code))
                if len(batch) >= batch_size:
                    appliers.submit(batch, counts, bar)
                    batch = []
            if batch:
                appliers.submit(batch, counts, bar)
            appliers.finish(counts, bar)
            # after every record line: a file may list a record and, later, its removal
            for start in range(0, len(removals), batch_size):
                part = removals[start:start + batch_size]
                for number, unknown, removed in appliers.remove(part):
                    if unknown:
                        reject(number, RejectedMessage(
                            "UNKNOWN_RECORD", "要移出的记录不存在（该来源单位未导入此记录）"))
                    else:
                        counts["removed" if removed else "unchanged"] += 1
                bar.update(len(part))
    finally:
        appliers.close()
    counts["seconds"] = round(time.monotonic() - started, 3)
    counts["errors_file"] = str(errors_path) if counts["rejected"] else None
    if not counts["rejected"]:
        errors_path.unlink(missing_ok=True)
    return counts


class _Appliers:
    """Up to ``APPLIERS`` batches in flight; the first failure stops the import (batches
    already written stay written, as they would one by one, and a rerun skips them)."""

    def __init__(self, database_url: str, agency: str, file_name: str):
        self.dsn = libpq_dsn(database_url)
        self.connect_args = ServiceSettings().connect_args()
        self.agency = agency
        self.file_name = file_name
        self.pool = ThreadPoolExecutor(APPLIERS, thread_name_prefix="import")
        self.local = threading.local()
        self.connections: list = []
        self.lock = threading.Lock()
        self.in_flight: list[tuple[Future, int]] = []

    def _connection(self):
        if getattr(self.local, "connection", None) is None:
            self.local.connection = psycopg2.connect(self.dsn, **self.connect_args)
            with self.lock:
                self.connections.append(self.local.connection)
        return self.local.connection

    def _apply(self, batch) -> tuple[int, int]:
        return _apply(self._connection(), batch, self.agency, self.file_name)

    def remove(self, batch) -> list[tuple[int, bool, bool]]:
        """Apply removals on this thread's connection, once every batch of records is in."""
        return _remove(self._connection(), batch, self.agency, self.file_name)

    def submit(self, batch, counts: dict, bar) -> None:
        while len(self.in_flight) >= APPLIERS:
            self._collect_oldest(counts, bar)
        self.in_flight.append((self.pool.submit(self._apply, batch), len(batch)))

    def finish(self, counts: dict, bar) -> None:
        while self.in_flight:
            self._collect_oldest(counts, bar)

    def _collect_oldest(self, counts: dict, bar) -> None:
        future, size = self.in_flight.pop(0)
        created, updated = future.result()
        counts["created"] += created
        counts["updated"] += updated
        counts["unchanged"] += size - created - updated
        bar.update(size)

    def close(self) -> None:
        for future, _ in self.in_flight:
            future.cancel()
        self.pool.shutdown(wait=True)
        for connection in self.connections:
            connection.close()


def _copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, list):  # text[] literal; the kinds are plain identifiers
        return "{" + ",".join(value) + "}"
    return value


def _copy_rows(cursor, table: str, rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_copy_value(v) for v in row])
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)


def _apply(connection, batch, agency: str, file_name: str) -> tuple[int, int]:
    """Write one batch in one transaction; (records created, records updated)."""
    # time-ordered ids: a batch's rows share the right-hand edge of every index on them
    rows = []
    for number, r, code in batch:
        listing = r.record_type in LIST_TYPES
        rows.append((
            number, str(uuid7()), code, r.subject_name, r.subject_kind.value, r.district_code,
            str(uuid7()), r.source_record_id, r.version, r.record_type.value,
            r.decision_number, r.decision_date, r.publicity_start_date, r.publicity_end_date,
            None if listing else r.penalty_domain.value, [k.value for k in r.penalty_kinds],
            r.fine_amount, r.severe, r.deciding_department_name, str(uuid7()),
            r.deciding_unit_code, r.listing_reason.value if r.listing_reason else None,
            r.listing_date, r.listing_unit_code, r.listing_document_number,
            r.obligations_fulfilled_on))
    with connection, connection.cursor() as cursor:
        cursor.execute(STAGE_SQL)
        _copy_rows(cursor, "import_stage", rows)
        cursor.execute(APPLY_SQL, {"agency": agency, "file": f"import:{file_name}",
                                   "now": now().isoformat()})
        created, updated, penalties = cursor.fetchall()[-1]
        if penalties:
            announce_penalties(cursor, penalties)
    return created, updated


def announce_penalties(cursor, record_ids: list[str]) -> None:
    """两书同达 for imported penalties as for those on the bus: ``penalty_recorded`` staged in
    the batch's transaction for each own penalty created (never for an update)."""
    cursor.execute(CREATED_PENALTIES_SQL, {"ids": record_ids})
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        values = dict(zip(names, row, strict=True))
        record = Record(**{c: values[f"r_{c}"] for c in RECORD_COLUMNS})
        record.penalty_kinds = list(record.penalty_kinds or [])
        subject = Subject(**{c: values[f"s_{c}"] for c in SUBJECT_COLUMNS})
        event = penalty_recorded(record, subject)
        if event is None:
            continue
        envelope = EventEnvelope(event_type=event.event_type, source=event.source,
                                 data=event.model_dump(mode="json"))
        cursor.execute(
            "INSERT INTO outbox (message_id, exchange, routing_key, body) "
            "VALUES (%(id)s, %(exchange)s, %(key)s, %(body)s::jsonb)",
            {"id": str(envelope.message_id), "exchange": events_exchange(event.source),
             "key": event.event_type,
             "body": json.dumps(envelope.model_dump(mode="json"), ensure_ascii=False)})


def _remove(connection, batch, agency: str, file_name: str) -> list[tuple[int, bool, bool]]:
    """Apply one batch of removals in one transaction: (line, unknown record, removed) for
    each record (the newest removal of a record in the batch speaks for it)."""
    rows = [(number, w.source_record_id, w.version, w.reason, w.document_number, str(uuid7()))
            for number, w in batch]
    with connection, connection.cursor() as cursor:
        cursor.execute(REMOVAL_STAGE_SQL)
        _copy_rows(cursor, "removal_stage", rows)
        cursor.execute(REMOVE_SQL, {"agency": agency, "file": f"import:{file_name}",
                                    "now": now().isoformat()})
        outcomes = {line: (unknown, removed) for line, unknown, removed in cursor.fetchall()}
    # an older removal of the same record in the batch is one that changed nothing
    return [(number, *outcomes.get(number, (False, False))) for number, _ in batch]


def _batch_size(value: str) -> int:
    # argparse's own message for a bad int is English; the operator reads Chinese
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"每批行数须为正整数，收到 {value!r}")
    return size


def main(argv: list[str] | None = None) -> int:
    from disclosure.config import DisclosureSettings

    parser = argparse.ArgumentParser(
        prog="disclosure import",
        description="批量导入记录：其他部门和本局的行政处罚、四类名单的列入与移出")
    parser.add_argument("file", type=pathlib.Path)
    parser.add_argument("--agency", default="bulk-import",
                        help="来源单位代码（小写字母、数字、连字符）")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--batch", type=_batch_size, default=BATCH, help="每批写入的行数（正整数）")
    args = parser.parse_args(argv)
    import re

    if not re.match(AGENCY_CODE, args.agency):
        parser.error("--agency 只能包含小写字母、数字和连字符")
    if not args.file.exists():
        parser.error(f"文件不存在：{args.file}")
    counts = import_file(DisclosureSettings().database_url, args.file, args.agency,
                         progress=not args.quiet, batch_size=args.batch)
    print(json.dumps(counts, ensure_ascii=False))
    return 1 if counts["rejected"] and not (counts["created"] or counts["updated"]
                                            or counts["unchanged"] or counts["removed"]) else 0
