"""The documents shown on a public record (SQLAlchemy Core)."""

from __future__ import annotations

import uuid


from credit_common.sql import SqlRepository, insert_sql, text

COLUMNS = ("kind", "kind_label", "number", "issued_on", "verification_code")


class RecordDocumentRepository(SqlRepository):
    def add(self, record_id: uuid.UUID, document_id: uuid.UUID, document: dict) -> bool:
        """False when the record already shows a document of this kind (a replay)."""
        return self.session.execute(text(insert_sql(
            "record_documents", ("record_id", "document_id", *COLUMNS),
            "ON CONFLICT (record_id, kind) DO NOTHING RETURNING 1")),
            {"record_id": record_id, "document_id": document_id,
             **{c: document[c] for c in COLUMNS}}).first() is not None

    def of_records(self, record_ids) -> dict[uuid.UUID, list[dict]]:
        """Each record's documents, oldest first; a record without any is absent."""
        ids = [str(i) for i in record_ids]
        if not ids:
            return {}
        rows = self.session.execute(text(
            f"SELECT record_id, {', '.join(COLUMNS)} FROM record_documents "
            "WHERE record_id = ANY(CAST(:ids AS uuid[])) ORDER BY issued_on, created_at"),
            {"ids": ids})
        found: dict[uuid.UUID, list[dict]] = {}
        for row in rows:
            found.setdefault(row.record_id, []).append({c: getattr(row, c) for c in COLUMNS})
        return found
