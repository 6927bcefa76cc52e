"""Listing removals and their decision documents in PostgreSQL (SQLAlchemy Core)."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from sqlalchemy.orm import Session

from credit_common.contracts.events import ListingCured
from credit_common.errors import Conflict
from credit_common.ids import uuid_or_none
from credit_common.sql import SqlRepository, insert_sql, text
from workflow.adapters.repository import DocumentRepository, scope_conditions
from workflow.domain.listing_removals import ListingRemoval

#: the cure's fields with a column of their own (the filing's and the rule's are in ``cure``)
CURED_COLUMNS = ("record_id", "record_type", "listing_reason", "listing_date",
                 "listing_unit_code", "listing_document_number", "district_code",
                 "subject_code", "subject_name", "removal", "cured_at")
CURE_FIELDS = {f for f in ListingCured.model_fields if f not in CURED_COLUMNS}
DECISION_COLUMNS = [f.name for f in fields(ListingRemoval)
                    if f.name not in ("id", "cured", "events")]
COLUMNS = ("id", *CURED_COLUMNS, "cure", *DECISION_COLUMNS)


class ListingRemovalRepository(SqlRepository):
    def __init__(self, session: Session):
        super().__init__(session)
        #: the removals read or written, whose events the unit of work stages at commit
        self.seen: list[ListingRemoval] = []

    def _load(self, row) -> ListingRemoval:
        cured = ListingCured(**{c: getattr(row, c) for c in CURED_COLUMNS}, **row.cure)
        removal = ListingRemoval(id=row.id, cured=cured,
                                 **{c: getattr(row, c) for c in DECISION_COLUMNS})
        self.seen.append(removal)
        return removal

    def _values(self, removal: ListingRemoval) -> dict:
        cured = removal.cured
        return {"id": removal.id, **{c: getattr(cured, c) for c in CURED_COLUMNS},
                "cure": cured.model_dump_json(include=CURE_FIELDS),
                **{c: getattr(removal, c) for c in DECISION_COLUMNS}}

    def add(self, removal: ListingRemoval) -> bool:
        """False when the record already has its removal (a cure arrives once per record)."""
        added = self.session.execute(text(insert_sql(
            "listing_removals", COLUMNS, "ON CONFLICT (record_id) DO NOTHING RETURNING 1",
            casts={"cure": "jsonb"})),
            self._values(removal)).first() is not None
        if added:
            self.seen.append(removal)
        return added

    def save(self, removal: ListingRemoval, expected_version: int) -> None:
        assignments = ", ".join(f"{c} = :{c}" for c in COLUMNS
                                if c not in ("id", "record_id", "cure"))
        updated = self.session.execute(text(
            f"UPDATE listing_removals SET {assignments} WHERE id = :id "
            "AND version = :expected_version"),
            {**self._values(removal), "expected_version": expected_version}).rowcount
        if updated != 1:
            raise Conflict("STALE_VERSION", "该记录已被其他人员处理，请刷新后重试",
                           {"removal_id": str(removal.id)})

    def get(self, removal_id, for_update: bool = False) -> ListingRemoval | None:
        removal_id = uuid_or_none(removal_id)
        if removal_id is None:
            return None
        row = self.session.execute(text(
            f"SELECT {', '.join(COLUMNS)} FROM listing_removals WHERE id = :id"
            + (" FOR UPDATE" if for_update else "")), {"id": removal_id}).first()
        return self._load(row) if row else None

    def visible(self, units: list[str] | None, districts: list[str] | None,
                status: str | None, limit: int, after: tuple[datetime, str] | None
                ) -> list[ListingRemoval]:
        """Oldest cure first, keyset-paged; ``None`` for units or districts: no limit."""
        conditions, params = [], {"limit": limit}
        scope_conditions(conditions, params, units, districts, unit_column="listing_unit_code")
        if status:
            conditions.append("status = :status")
            params["status"] = status
        if after:
            conditions.append("(cured_at, id) > (:after_at, CAST(:after_id AS uuid))")
            params.update(after_at=after[0], after_id=after[1])
        where = " AND ".join(conditions) or "true"
        rows = self.session.execute(text(
            f"SELECT {', '.join(COLUMNS)} FROM listing_removals WHERE {where} "
            "ORDER BY cured_at, id LIMIT :limit"), params)
        return [self._load(r) for r in rows]

    def documents(self, removal_id) -> list[dict]:
        return self.rows(
            f"SELECT {DocumentRepository._META} FROM documents WHERE listing_removal_id = :r "
            "AND pdf IS NOT NULL ORDER BY created_at", {"r": str(removal_id)})

    def document_pdf(self, removal_id, document_id) -> dict | None:
        document_id = uuid_or_none(document_id)
        if document_id is None:
            return None
        return self.row(
            f"SELECT {DocumentRepository._META}, pdf FROM documents WHERE id = :id "
            "AND listing_removal_id = :r AND pdf IS NOT NULL",
            {"id": document_id, "r": str(removal_id)})
