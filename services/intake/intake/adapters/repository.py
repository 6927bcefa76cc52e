"""Applications in PostgreSQL (SQLAlchemy Core: explicit, lean SQL on the hot path)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from credit_common.errors import Conflict

from intake.domain.model import Application

_COLUMNS = ("id, acceptance_number, record_type, subject_uscc, subject_name, district_code, "
            "status, idempotency_key, case_id, submitted_at, updated_at, version")


class ApplicationRepository:
    def __init__(self, session: Session):
        self.session = session
        self.seen: list[Application] = []

    def _load(self, row) -> Application:
        application = Application(**row._mapping)
        self.seen.append(application)
        return application

    def add(self, application: Application) -> None:
        self.session.execute(text(
            f"INSERT INTO applications ({_COLUMNS}) VALUES (:id, :acceptance_number, "
            ":record_type, :subject_uscc, :subject_name, :district_code, :status, "
            ":idempotency_key, :case_id, :submitted_at, :updated_at, :version)"
        ), _params(application))
        self.seen.append(application)

    def save(self, application: Application) -> None:
        """Write back a loaded application; refuses a concurrent change (optimistic lock)."""
        updated = self.session.execute(text(
            "UPDATE applications SET status = :status, case_id = :case_id, "
            "updated_at = :updated_at, version = :version "
            "WHERE id = :id AND version = :version - 1"
        ), _params(application)).rowcount
        if updated != 1:
            raise Conflict("STALE_VERSION", "申请已被其他操作修改，请刷新后重试")

    def get(self, application_id: uuid.UUID | str) -> Application | None:
        row = self.session.execute(
            text(f"SELECT {_COLUMNS} FROM applications WHERE id = :id"), {"id": str(application_id)}
        ).first()
        return self._load(row) if row else None

    def by_idempotency_key(self, key: str) -> Application | None:
        row = self.session.execute(
            text(f"SELECT {_COLUMNS} FROM applications WHERE idempotency_key = :key"), {"key": key}
        ).first()
        return self._load(row) if row else None

    def next_acceptance_sequence(self, district_code: str, day: date) -> int:
        """Atomic per (district, day): concurrent submissions wait on the row lock, none share
        a number, and a rolled-back submission's number is never seen by anyone."""
        return self.session.execute(text(
            "INSERT INTO acceptance_sequences (district_code, day, last_value) "
            "VALUES (:district, :day, 1) ON CONFLICT (district_code, day) "
            "DO UPDATE SET last_value = acceptance_sequences.last_value + 1 RETURNING last_value"
        ), {"district": district_code, "day": day}).scalar_one()


def _params(application: Application) -> dict:
    return {
        "id": application.id, "acceptance_number": application.acceptance_number,
        "record_type": application.record_type, "subject_uscc": application.subject_uscc,
        "subject_name": application.subject_name, "district_code": application.district_code,
        "status": application.status, "idempotency_key": application.idempotency_key,
        "case_id": application.case_id, "submitted_at": application.submitted_at,
        "updated_at": application.updated_at, "version": application.version,
    }
