"""Filings and the listings they cured (SQLAlchemy Core)."""

from __future__ import annotations

import json
import uuid


from credit_common.sql import SqlRepository, text
from disclosure.adapters.repository import RECORD_COLUMNS, _record
from disclosure.domain.filings import Filing
from disclosure.domain.model import Record

_CURED = "EXISTS (SELECT 1 FROM listing_cures c WHERE c.record_id = r.id)"


class FilingRepository(SqlRepository):
    def add(self, filing: Filing, listings_matched: int) -> None:
        self.session.execute(text(
            "INSERT INTO filings (message_id, source_agency, subject_id, kind, filed_on, "
            "report_year, items, reference, listings_matched, received_at) VALUES (:m, :a, :s, "
            ":k, :f, :y, CAST(:items AS jsonb), :ref, :n, :at)"),
            {"m": filing.message_id, "a": filing.source_agency, "s": filing.subject_id,
             "k": filing.kind, "f": filing.filed_on, "y": filing.report_year,
             "items": json.dumps(filing.items, ensure_ascii=False), "ref": filing.reference,
             "n": listings_matched, "at": filing.received_at})

    def get(self, message_id: uuid.UUID) -> Filing | None:
        row = self.session.execute(text(
            "SELECT message_id, source_agency, subject_id, kind, filed_on, received_at, "
            "report_year, items, reference FROM filings WHERE message_id = :m"),
            {"m": message_id}).first()
        return Filing(**row._mapping) if row else None

    def uncured_listings(self, subject_id: uuid.UUID, record_types: list[str]) -> list[Record]:
        """The subject's active listings of these types that nothing cured yet, locked: a
        filing and an officer's or a decision's change of the same record wait for each
        other."""
        rows = self.session.execute(text(
            f"SELECT {', '.join('r.' + c for c in RECORD_COLUMNS)} FROM records r "
            "WHERE r.subject_id = :s AND r.publicity_state = 'active' "
            f"AND r.record_type = ANY(:types) AND NOT {_CURED} ORDER BY r.id FOR UPDATE"),
            {"s": subject_id, "types": record_types}).all()
        return [_record(row) for row in rows]

    def add_cure(self, record_id: uuid.UUID, filing_message_id: uuid.UUID, rule_version: str,
                 removal: str, at) -> bool:
        """False when another filing cured the record first."""
        return self.session.execute(text(
            "INSERT INTO listing_cures (record_id, filing_message_id, rule_version, removal, "
            "cured_at) VALUES (:r, :f, :v, :m, :at) ON CONFLICT DO NOTHING RETURNING 1"),
            {"r": record_id, "f": filing_message_id, "v": rule_version, "m": removal,
             "at": at}).first() is not None

    def listings_waiting(self, since, cures, batch: int) -> list[tuple[Record, uuid.UUID]]:
        """Active, uncured listings that a filing received since ``since`` cures under
        ``cures`` (a listing that arrived after its filing), each with the earliest such
        filing; locked, SKIP LOCKED so two instances share the work."""
        if not cures:
            return []
        rows = self.session.execute(text(
            f"SELECT {', '.join('r.' + c for c in RECORD_COLUMNS)}, w.filing_message_id "
            "FROM (SELECT DISTINCT ON (l.id) l.id, f.message_id AS filing_message_id "
            "FROM filings f JOIN unnest(CAST(:kinds AS text[]), CAST(:types AS text[]), "
            "CAST(:reasons AS text[])) AS rule(kind, record_type, reason) ON rule.kind = f.kind "
            "JOIN records l ON l.subject_id = f.subject_id AND l.record_type = rule.record_type "
            "AND l.listing_reason = rule.reason AND l.listing_date <= f.filed_on "
            "AND l.publicity_state = 'active' WHERE f.received_at >= :since "
            "ORDER BY l.id, f.filed_on, f.received_at) w JOIN records r ON r.id = w.id "
            f"WHERE r.publicity_state = 'active' AND NOT {_CURED} "
            "ORDER BY r.id LIMIT :batch FOR UPDATE OF r SKIP LOCKED"),
            {"kinds": [c.filing for c in cures], "types": [c.record_type for c in cures],
             "reasons": [c.listing_reason for c in cures], "since": since,
             "batch": batch}).all()
        return [(_record(row), row.filing_message_id) for row in rows]

    def cure_of(self, record_id: uuid.UUID) -> dict | None:
        return self.row(
            "SELECT c.rule_version, c.removal, c.cured_at, f.kind, f.filed_on, f.report_year, "
            "f.source_agency FROM listing_cures c JOIN filings f "
            "ON f.message_id = c.filing_message_id WHERE c.record_id = :r",
            {"r": record_id})
