"""Cases in PostgreSQL (SQLAlchemy Core)."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from workflow.domain.model import Case

_COLUMNS = ("id, application_id, acceptance_number, record_type, subject_uscc, subject_name, "
            "district_code, status, submitted_at, opened_at, version")


class CaseRepository:
    def __init__(self, session: Session):
        self.session = session
        self.seen: list[Case] = []

    def add(self, case: Case) -> bool:
        """Insert unless a case for the same application exists; False if it did."""
        inserted = self.session.execute(text(
            f"INSERT INTO cases ({_COLUMNS}) VALUES (:id, :application_id, :acceptance_number, "
            ":record_type, :subject_uscc, :subject_name, :district_code, :status, "
            ":submitted_at, :opened_at, :version) ON CONFLICT (application_id) DO NOTHING"
        ), {c: getattr(case, c) for c in _COLUMNS.split(", ")}).rowcount
        if inserted:
            self.seen.append(case)
        return bool(inserted)

    def by_acceptance_number(self, number: str) -> dict | None:
        row = self.session.execute(
            text(f"SELECT {_COLUMNS} FROM cases WHERE acceptance_number = :n"), {"n": number}
        ).first()
        return dict(row._mapping) if row else None

    def for_application(self, application_id: uuid.UUID) -> Case | None:
        row = self.session.execute(
            text(f"SELECT {_COLUMNS} FROM cases WHERE application_id = :id"),
            {"id": application_id},
        ).first()
        return Case(**row._mapping) if row else None

    def close_withdrawn(self, application_id: uuid.UUID) -> bool:
        """The applicant withdrew: the case leaves every todo list. False when there is no
        open case for it (already closed, or not opened yet)."""
        return self.session.execute(text(
            "UPDATE cases SET status = 'withdrawn', version = version + 1 "
            "WHERE application_id = :id AND status NOT IN ('withdrawn', 'closed')"),
            {"id": application_id}).rowcount == 1
