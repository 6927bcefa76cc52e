"""Withdrawn penalties of ours, with the ruling and its file (append-only)."""

from __future__ import annotations

import uuid


from credit_common.ids import uuid_or_none
from credit_common.sql import SqlRepository, text
from disclosure.domain.withdrawals import Ruling, Withdrawal

_COLUMNS = ("id, record_id, ruling_kind, ruling_number, ruling_date, reason, officer_id, "
            "officer_name, unit_code, file_name, content_type, content, sha256, withdrawn_at")


def _withdrawal(row) -> Withdrawal:
    return Withdrawal(id=row.id, record_id=row.record_id,
                      ruling=Ruling(row.ruling_kind, row.ruling_number, row.ruling_date,
                                    row.reason),
                      officer_id=row.officer_id, officer_name=row.officer_name,
                      unit_code=row.unit_code, file_name=row.file_name,
                      content_type=row.content_type, content=bytes(row.content),
                      sha256=row.sha256, withdrawn_at=row.withdrawn_at)


class WithdrawalRepository(SqlRepository):
    def add(self, withdrawal: Withdrawal) -> None:
        self.session.execute(text(
            f"INSERT INTO record_withdrawals ({_COLUMNS}) VALUES (:id, :record_id, :kind, "
            ":number, :ruling_date, :reason, :officer_id, :officer_name, :unit_code, "
            ":file_name, :content_type, :content, :sha256, :withdrawn_at)"),
            {"id": withdrawal.id, "record_id": withdrawal.record_id,
             "kind": withdrawal.ruling.kind, "number": withdrawal.ruling.number,
             "ruling_date": withdrawal.ruling.ruling_date, "reason": withdrawal.ruling.reason,
             "officer_id": withdrawal.officer_id, "officer_name": withdrawal.officer_name,
             "unit_code": withdrawal.unit_code, "file_name": withdrawal.file_name,
             "content_type": withdrawal.content_type, "content": withdrawal.content,
             "sha256": withdrawal.sha256, "withdrawn_at": withdrawal.withdrawn_at})

    def of_record(self, record_id: uuid.UUID | str) -> Withdrawal | None:
        record_id = uuid_or_none(record_id)
        if record_id is None:  # not an id at all: no such withdrawal, not a database error
            return None
        row = self.session.execute(text(
            f"SELECT {_COLUMNS} FROM record_withdrawals WHERE record_id = :r"),
            {"r": str(record_id)}).first()
        return _withdrawal(row) if row else None

    def of_records(self, record_ids: list) -> dict[uuid.UUID, Withdrawal]:
        """The withdrawals of these records, by record id (the file left out)."""
        if not record_ids:
            return {}
        rows = self.session.execute(text(
            "SELECT id, record_id, ruling_kind, ruling_number, ruling_date, reason, officer_id, "
            "officer_name, unit_code, file_name, content_type, ''::bytea AS content, sha256, "
            "withdrawn_at FROM record_withdrawals WHERE record_id = ANY(CAST(:ids AS uuid[]))"),
            {"ids": [str(i) for i in record_ids]}).all()
        return {row.record_id: _withdrawal(row) for row in rows}
