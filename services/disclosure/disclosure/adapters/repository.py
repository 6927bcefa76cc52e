"""Subjects and records in PostgreSQL (SQLAlchemy Core: these are the hot reads)."""

from __future__ import annotations

import uuid
from dataclasses import fields

from sqlalchemy.orm import Session

from credit_common.errors import Conflict
from credit_common.ids import uuid_or_none
from credit_common.sql import SqlRepository, insert_sql, text
from disclosure.domain.model import HistoryEntry, Record, Subject
from disclosure.domain.search import RecordQuery, like_pattern, tsquery_for

SUBJECT_COLUMNS = [f.name for f in fields(Subject)]
RECORD_COLUMNS = [f.name for f in fields(Record) if f.name not in ("history", "events")]
HISTORY_COLUMNS = [f.name for f in fields(HistoryEntry)]


def _subject(row, prefix: str = "") -> Subject:
    return Subject(**{c: getattr(row, prefix + c) for c in SUBJECT_COLUMNS})


def _record(row, prefix: str = "") -> Record:
    values = {c: getattr(row, prefix + c) for c in RECORD_COLUMNS}
    values["penalty_kinds"] = list(values["penalty_kinds"] or [])
    return Record(**values)


# a subject joined with its records: both have ``id``, ``district_code`` …, hence the prefixes
_SUBJECT_SELECT = ", ".join(f"s.{c} AS s_{c}" for c in SUBJECT_COLUMNS)
_RECORD_SELECT = ", ".join(f"r.{c} AS r_{c}" for c in RECORD_COLUMNS)


def _code_column(code: str) -> str:
    """Every lookup accepts a USCC (18 characters) or a registration number."""
    return "uscc" if len(code) == 18 else "registration_number"


class SubjectRepository(SqlRepository):
    def add(self, subject: Subject) -> None:
        self.session.execute(text(insert_sql("subjects", SUBJECT_COLUMNS)),
                             {c: getattr(subject, c) for c in SUBJECT_COLUMNS})

    def save(self, subject: Subject) -> None:
        assignments = ", ".join(f"{c} = :{c}" for c in SUBJECT_COLUMNS if c != "id")
        self.session.execute(text(f"UPDATE subjects SET {assignments}, updated_at = now() "
                                  "WHERE id = :id"),
                             {c: getattr(subject, c) for c in SUBJECT_COLUMNS})

    def get(self, subject_id: uuid.UUID | str) -> Subject | None:
        row = self.session.execute(text(
            f"SELECT {', '.join(SUBJECT_COLUMNS)} FROM subjects WHERE id = :id"),
            {"id": str(subject_id)}).first()
        return _subject(row) if row else None

    def by_code(self, code: str) -> Subject | None:
        """By USCC or registration number."""
        row = self.session.execute(text(
            f"SELECT {', '.join(SUBJECT_COLUMNS)} FROM subjects "
            f"WHERE {_code_column(code)} = :code"),
            {"code": code}).first()
        return _subject(row) if row else None

    def by_code_with_records(self, code: str) -> tuple[Subject | None, list[Record]]:
        """``by_code`` and the subject's records, latest listed or decided first, in one round
        trip: the public lookup's whole read."""
        rows = self.session.execute(text(
            f"SELECT {_SUBJECT_SELECT}, {_RECORD_SELECT} FROM subjects s "
            f"LEFT JOIN records r ON r.subject_id = s.id WHERE s.{_code_column(code)} = :code "
            "ORDER BY coalesce(r.listing_date, r.decision_date) DESC, r.id"),
            {"code": code}).all()
        if not rows:
            return None, []
        return _subject(rows[0], "s_"), [_record(row, "r_") for row in rows
                                         if row.r_id is not None]

    def by_phone(self, phone: str, limit: int = 50) -> list[Subject]:
        """Subjects whose legal representative's or liaison's phone this is."""
        rows = self.session.execute(text(
            f"SELECT {', '.join(SUBJECT_COLUMNS)} FROM subjects WHERE legal_rep_phone = :p "
            f"UNION SELECT {', '.join(SUBJECT_COLUMNS)} FROM subjects WHERE liaison_phone = :p "
            "ORDER BY name LIMIT :limit"), {"p": phone, "limit": limit})
        return [_subject(r) for r in rows]

    def many(self, subject_ids: list[uuid.UUID]) -> dict[uuid.UUID, Subject]:
        if not subject_ids:
            return {}
        rows = self.session.execute(text(
            f"SELECT {', '.join(SUBJECT_COLUMNS)} FROM subjects "
            "WHERE id = ANY(CAST(:ids AS uuid[]))"), {"ids": [str(i) for i in subject_ids]})
        return {row.id: _subject(row) for row in rows}


class RecordRepository(SqlRepository):
    def __init__(self, session: Session):
        super().__init__(session)
        #: records written in this transaction: their changes are announced at commit
        self.seen: list[Record] = []

    def add(self, record: Record) -> None:
        self.session.execute(text(insert_sql("records", RECORD_COLUMNS)),
                             {c: getattr(record, c) for c in RECORD_COLUMNS})
        self._write_history(record)
        self.seen.append(record)

    def save(self, record: Record, expected_version: int) -> None:
        """Write the record if nobody changed it since it was read (optimistic lock)."""
        assignments = ", ".join(f"{c} = :{c}" for c in RECORD_COLUMNS if c != "id")
        updated = self.session.execute(text(
            f"UPDATE records SET {assignments}, updated_at = now() "
            "WHERE id = :id AND version = :expected_version"),
            {**{c: getattr(record, c) for c in RECORD_COLUMNS},
             "expected_version": expected_version}).rowcount
        if updated != 1:
            raise Conflict("STALE_VERSION", "记录已被其他操作修改，请刷新后重试",
                           {"record_id": str(record.id)})
        self._write_history(record)
        self.seen.append(record)

    def _write_history(self, record: Record) -> None:
        entries: list[HistoryEntry] = record.history
        if entries:
            self.session.execute(text(insert_sql("record_history", HISTORY_COLUMNS)),
                                 [{c: getattr(e, c) for c in HISTORY_COLUMNS} for e in entries])
            record.history = []

    def get(self, record_id: uuid.UUID | str, for_update: bool = False) -> Record | None:
        record_id = uuid_or_none(record_id)
        if record_id is None:
            return None
        lock = " FOR UPDATE" if for_update else ""
        row = self.session.execute(text(
            f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE id = :id{lock}"),
            {"id": record_id}).first()
        return _record(row) if row else None

    def by_source(self, source_agency: str, source_record_id: str,
                  for_update: bool = False) -> Record | None:
        lock = " FOR UPDATE" if for_update else ""
        row = self.session.execute(text(
            f"SELECT {', '.join(RECORD_COLUMNS)} FROM records "
            f"WHERE source_agency = :agency AND source_record_id = :ref{lock}"),
            {"agency": source_agency, "ref": source_record_id}).first()
        return _record(row) if row else None

    def active_listed_before(self, record_type: str, cutoff, batch: int):
        """Active records of a list type listed on or before ``cutoff``, streamed in id order
        in batches (each batch locked, SKIP LOCKED so a second instance does not wait)."""
        yield from self._batches(
            "record_type = :record_type AND publicity_state = 'active' "
            "AND listing_date <= :cutoff", {"record_type": record_type, "cutoff": cutoff}, batch)

    def active_penalties_ending_by(self, candidates, batch: int):
        """Active penalties whose publicity may have ended before ``candidates.today``: an
        explicit last day passed, or no end date and started long enough ago for the long
        term, or for the short one when only light kinds and a low fine (``rules.
        penalty_candidates``)."""
        yield from self._batches(
            "record_type IN ('penalty_publicity', 'other_department_penalty') "
            "AND publicity_state = 'active' AND ((publicity_end_date IS NOT NULL "
            "AND publicity_end_date < :today) OR (publicity_end_date IS NULL "
            "AND (coalesce(publicity_start_date, decision_date) <= :long_started_by "
            "OR (coalesce(publicity_start_date, decision_date) <= :short_started_by "
            "AND NOT severe AND cardinality(penalty_kinds) > 0 "
            "AND penalty_kinds <@ CAST(:short_kinds AS text[]) "
            "AND (NOT 'fine' = ANY(penalty_kinds) OR fine_amount <= :fine_ceiling)))))",
            {"today": candidates.today, "long_started_by": candidates.long_started_by,
             "short_started_by": candidates.short_started_by,
             "short_kinds": list(candidates.short_kinds),
             "fine_ceiling": candidates.fine_ceiling}, batch)

    def _batches(self, condition: str, params: dict, batch: int):
        after = "00000000-0000-0000-0000-000000000000"
        while True:
            rows = self.session.execute(text(
                f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE {condition} "
                "AND id > CAST(:after AS uuid) ORDER BY id LIMIT :batch "
                "FOR UPDATE SKIP LOCKED"), {**params, "after": after, "batch": batch}).all()
            if not rows:
                return
            for row in rows:
                yield _record(row)
            after = str(rows[-1].id)

    def history(self, record_id: uuid.UUID) -> list[dict]:
        return self.rows(
            "SELECT from_state, to_state, cause_kind, cause_ref, note, occurred_at "
            "FROM record_history WHERE record_id = :r ORDER BY id", {"r": str(record_id)})

    #: records walked in id order, inside the covering index, before asking the bigram index
    SEARCH_PROBE = 5000

    def search(self, query: RecordQuery) -> list[tuple[Record, Subject]]:
        """Records matching every filter, with their subjects, in id order after
        ``query.after`` (keyset pagination: stable however deep the page).

        A name search first walks the next ``SEARCH_PROBE`` records in id order inside the
        covering index ``records_search_order`` (no heap visits): a common term (天河, 科技有限)
        fills the page there. Only when it does not does the bigram index (with district and
        type inside it) find the matches, which are then few enough to visit and sort. Either
        way the page is exactly the first matches in id order."""
        conditions, params = self._filters(query)
        if query.subject_code:
            column = "uscc" if len(query.subject_code) == 18 else "registration_number"
            conditions.append(f"s.{column} = :code")
            params["code"] = query.subject_code
            ids = self._ids_with_subject(conditions, params, query)
        elif query.name:
            ids = self._ids_by_name(conditions, params, query)
        else:
            ids = self._ids(conditions, params, query.after, query.limit)
        if not ids:
            return []
        columns = ", ".join(f"r.{c}" for c in RECORD_COLUMNS)
        subject_columns = ", ".join(f"s.{c} AS s_{c}" for c in SUBJECT_COLUMNS)
        rows = self.session.execute(text(
            f"SELECT {columns}, {subject_columns} FROM records r "
            "JOIN subjects s ON s.id = r.subject_id WHERE r.id = ANY(CAST(:ids AS uuid[])) "
            "ORDER BY r.id"), {"ids": [str(i) for i in ids]})
        found = []
        for row in rows:
            record = _record(row)
            subject = Subject(**{c: getattr(row, f"s_{c}") for c in SUBJECT_COLUMNS})
            found.append((record, subject))
        return found

    @staticmethod
    def _filters(query: RecordQuery) -> tuple[list[str], dict]:
        """Conditions on the columns the covering index holds (alias ``r``)."""
        conditions, params = [], {}
        for i, term in enumerate(query.name):
            conditions.append(f"r.search_name LIKE :like{i}")
            params[f"like{i}"] = like_pattern(term)
        for column in ("record_type", "listing_reason", "publicity_state", "district_code"):
            value = getattr(query, column)
            if value:
                conditions.append(f"r.{column} = :{column}")
                params[column] = value
        if query.date_from:
            conditions.append("coalesce(r.listing_date, r.decision_date) >= :date_from")
            params["date_from"] = query.date_from
        if query.date_to:
            conditions.append("coalesce(r.listing_date, r.decision_date) <= :date_to")
            params["date_to"] = query.date_to
        return conditions, params

    def _ids(self, conditions, params, after, limit, extra_from: str = "") -> list:
        conditions = list(conditions)
        if after:
            conditions.append("r.id > CAST(:after AS uuid)")
        where = " AND ".join(conditions) or "true"
        return self.session.execute(text(
            f"SELECT r.id FROM records r {extra_from} WHERE {where} ORDER BY r.id LIMIT :limit"),
            {**params, "after": after, "limit": limit}).scalars().all()

    def _ids_with_subject(self, conditions, params, query: RecordQuery) -> list:
        return self._ids(conditions, params, query.after, query.limit,
                         "JOIN subjects s ON s.id = r.subject_id")

    def _ids_by_name(self, conditions, params, query: RecordQuery) -> list:
        where = " AND ".join(conditions)
        after = "WHERE id > CAST(:after AS uuid)" if query.after else ""
        found = self.session.execute(text(
            "SELECT r.id FROM (SELECT id, search_name, publicity_state, record_type, "
            "listing_reason, district_code, listing_date, decision_date FROM records "
            f"{after} ORDER BY id LIMIT :probe) r WHERE {where} ORDER BY r.id LIMIT :limit"),
            {**params, "after": query.after, "probe": self.SEARCH_PROBE,
             "limit": query.limit}).scalars().all()
        if len(found) == query.limit:
            return found
        # a rarer term: the bigram index finds every match after the cursor, and those are
        # few enough to sort (the slice's matches are among them, in the same order)
        tsquery = tsquery_for(query.name)
        if tsquery:
            conditions = [*conditions, "cjk_bigrams(r.search_name) @@ CAST(:tsquery AS tsquery)"]
            params = {**params, "tsquery": tsquery}
        return self._ids(conditions, params, query.after, query.limit)
