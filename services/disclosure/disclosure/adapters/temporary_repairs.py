"""Temporary repairs (bankruptcy reorganisation) in PostgreSQL."""

from __future__ import annotations

import json
import uuid
from dataclasses import fields
from datetime import date

from sqlalchemy.orm import Session

from credit_common.sql import insert_sql, text
from disclosure.domain.temporary_repairs import TemporaryRepair

COLUMNS = [f.name for f in fields(TemporaryRepair) if f.name != "events"]
_JSON = ("accepting_ruling", "ending_ruling")


def _repair(row) -> TemporaryRepair:
    values = {c: getattr(row, c) for c in COLUMNS}
    values["record_ids"] = list(values["record_ids"] or [])
    return TemporaryRepair(**values)


class TemporaryRepairRepository:
    def __init__(self, session: Session):
        self.session = session
        #: repairs written in this transaction: their events go out at commit
        self.seen: list[TemporaryRepair] = []

    def lock_application(self, application_id: uuid.UUID) -> None:
        """Two changes of one application, on two workers, are applied one after the other
        (the first may still have to insert the row the second would lock)."""
        self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                             {"k": f"temporary_repair:{application_id}"})

    def get(self, application_id: uuid.UUID, for_update: bool = False) -> TemporaryRepair | None:
        lock = " FOR UPDATE" if for_update else ""
        row = self.session.execute(text(
            f"SELECT {', '.join(COLUMNS)} FROM temporary_repairs "
            f"WHERE application_id = :a{lock}"), {"a": str(application_id)}).first()
        return _repair(row) if row else None

    def of_subject(self, subject_code: str) -> list[TemporaryRepair]:
        rows = self.session.execute(text(
            f"SELECT {', '.join(COLUMNS)} FROM temporary_repairs WHERE subject_code = :c "
            "ORDER BY granted_at DESC NULLS LAST"), {"c": subject_code})
        return [_repair(r) for r in rows]

    def due(self, today: date, batch: int) -> list[TemporaryRepair]:
        """Running repairs past their last day, locked; another instance skips them."""
        rows = self.session.execute(text(
            f"SELECT {', '.join(COLUMNS)} FROM temporary_repairs "
            "WHERE state = 'temporary' AND expires_on < :today ORDER BY expires_on "
            "LIMIT :batch FOR UPDATE SKIP LOCKED"), {"today": today, "batch": batch})
        return [_repair(r) for r in rows]

    def save(self, repair: TemporaryRepair) -> None:
        params = {c: getattr(repair, c) for c in COLUMNS}
        params["record_ids"] = [str(i) for i in repair.record_ids]
        for name in _JSON:
            params[name] = json.dumps(params[name], ensure_ascii=False) \
                if params[name] is not None else None
        assignments = ", ".join(
            f"{c} = EXCLUDED.{c}" for c in COLUMNS if c != "application_id")
        self.session.execute(text(insert_sql(
            "temporary_repairs", COLUMNS,
            f"ON CONFLICT (application_id) DO UPDATE SET {assignments}, updated_at = now()",
            casts={**dict.fromkeys(_JSON, "jsonb"), "record_ids": "uuid[]"})), params)
        self.seen.append(repair)
