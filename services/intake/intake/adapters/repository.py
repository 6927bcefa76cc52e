"""Intake's tables (SQLAlchemy Core: explicit, lean SQL on the hot path)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credit_common import rule_versions
from credit_common.deferred_writes import HeldRows, defer
from credit_common.errors import Conflict
from credit_common.ids import uuid_or_none
from credit_common.sql import SqlRepository, insert_sql, prepared, text

from intake.domain.eligibility import RuleVersion
from intake.domain.model import OPEN, Application, TimelineEntry

MATERIAL_COLUMNS = ("id", "application_id", "kind", "file_name", "content_type", "size_bytes",
                    "sha256", "uploaded_at")
#: what a material is read back with: all but the application it belongs to
_MATERIAL_SHOWN = ", ".join(c for c in MATERIAL_COLUMNS if c != "application_id")
SIGNATURE_COLUMNS = ("id", "application_id", "kind", "content_hash", "signer", "token_hash",
                     "expires_at", "signed_at", "created_at")
_COLUMNS = ("id, acceptance_number, record_type, subject_uscc, subject_name, district_code, "
            "status, idempotency_key, case_id, submitted_at, updated_at, version, applicant_id, "
            "subject, records, form, rule_version, created_at, decided_at, case_version, "
            "counter_officer_id, counter_unit_code, reorganisation")
_JSON = ("subject", "records", "form", "reorganisation")

_INSERT_APPLICATION = prepared(
    f"INSERT INTO applications ({_COLUMNS}) VALUES (:id, :acceptance_number, "
    ":record_type, :subject_uscc, :subject_name, :district_code, :status, "
    ":idempotency_key, :case_id, :submitted_at, :updated_at, :version, :applicant_id, "
    "CAST(:subject AS jsonb), CAST(:records AS jsonb), CAST(:form AS jsonb), "
    ":rule_version, :created_at, :decided_at, :case_version, :counter_officer_id, "
    ":counter_unit_code, CAST(:reorganisation AS jsonb))")
_INSERT_TIMELINE_ENTRY = prepared(
    "INSERT INTO application_events (application_id, occurred_at, from_status, to_status, "
    "actor, note) VALUES (:a, :at, :f, :t, :actor, :note)")
_UPDATE_APPLICATION = prepared(
    "UPDATE applications SET acceptance_number = :acceptance_number, status = :status, "
    "case_id = :case_id, submitted_at = :submitted_at, updated_at = :updated_at, "
    "version = :version, records = CAST(:records AS jsonb), form = CAST(:form AS jsonb), "
    "rule_version = :rule_version, decided_at = :decided_at, district_code = :district_code, "
    "idempotency_key = :idempotency_key, case_version = :case_version, "
    "reorganisation = CAST(:reorganisation AS jsonb) "
    "WHERE id = :id AND version = :expected")
_NEXT_SEQUENCE = prepared(
    "INSERT INTO acceptance_sequences (district_code, day, last_value) "
    "SELECT CAST(:district AS text), CAST(:day AS date), 1 "
    "WHERE CAST(:key AS text) IS NULL OR NOT EXISTS ("
    "SELECT 1 FROM applications WHERE idempotency_key = :key) "
    "ON CONFLICT (district_code, day) "
    "DO UPDATE SET last_value = acceptance_sequences.last_value + 1 RETURNING last_value")
_RELEASE_RECORDS_NOT_HELD = text(
    "UPDATE application_records SET open = false WHERE application_id = :a "
    "AND record_id <> ALL(CAST(:ids AS uuid[]))")
_SET_RECORDS_OPEN = prepared(
    "UPDATE application_records SET open = :open WHERE application_id = :id")


class ApplicationRepository:
    def __init__(self, session: Session):
        self.session = session
        self.seen: list[Application] = []
        self._held = HeldRows()

    def _load(self, row) -> Application:
        application = Application(**row._mapping)
        self.seen.append(application)
        return application

    def add(self, application: Application) -> None:
        # a duplicate (idempotency key) fails the commit: the caller gets 409, nothing saved
        defer(self.session, _INSERT_APPLICATION, _params(application))
        self._write_timeline(application)
        self.seen.append(application)

    def save(self, application: Application, expected_version: int | None = None) -> None:
        """Write back a loaded application; refuses a concurrent change (optimistic lock)."""
        params = _params(application)
        params["expected"] = (expected_version if expected_version is not None
                              else application.version - 1)
        self._held.update(self.session, _UPDATE_APPLICATION, params, application.id,
                          params["expected"], application.version,
                          Conflict("STALE_VERSION", "申请已被其他操作修改，请刷新后重试"))
        self._write_timeline(application)
        defer(self.session, _SET_RECORDS_OPEN, {"open": application.status in OPEN,
                                                "id": application.id})

    def _write_timeline(self, application: Application) -> None:
        for entry in application.timeline:
            defer(self.session, _INSERT_TIMELINE_ENTRY, {
                "a": application.id, "at": entry.occurred_at, "f": entry.from_status,
                "t": entry.to_status, "actor": entry.actor, "note": entry.note})
        application.timeline = []

    def hold_records(self, application: Application) -> None:
        """Put the application's records in it; a record already in another open application
        is refused by the database's partial unique index, whoever races."""
        for record in application.records:
            try:
                with self.session.begin_nested():
                    self.session.execute(text(
                        "INSERT INTO application_records (application_id, record_id, open) "
                        "VALUES (:a, :r, true) ON CONFLICT (application_id, record_id) "
                        "DO UPDATE SET open = true"), {"a": application.id, "r": record["id"]})
            except IntegrityError:
                raise Conflict("RECORD_IN_OPEN_APPLICATION", "所选记录已有正在办理的修复申请",
                               {"record_id": record["id"]}) from None

    def release_records_not_held(self, application: Application) -> None:
        """Records an application held but no longer asks for (a reorganisation takes the
        subject's eligible records afresh at submission) are free for other applications."""
        defer(self.session, _RELEASE_RECORDS_NOT_HELD, {
            "a": application.id, "ids": [str(r["id"]) for r in application.records]})

    def open_record_ids(self, record_ids: list[str], excluding: uuid.UUID | None = None) -> set:
        if not record_ids:
            return set()
        rows = self.session.execute(text(
            "SELECT record_id FROM application_records WHERE open AND "
            "record_id = ANY(CAST(:ids AS uuid[])) AND application_id IS DISTINCT FROM :x"),
            {"ids": record_ids, "x": excluding}).scalars()
        return {str(r) for r in rows}

    def get(self, application_id: uuid.UUID | str, for_update: bool = False
            ) -> Application | None:
        lock = " FOR UPDATE" if for_update else ""
        row = self.session.execute(
            prepared(f"SELECT {_COLUMNS} FROM applications WHERE id = :id{lock}"),
            {"id": str(application_id)}).first()
        if row is None:
            return None
        application = self._load(row)
        if for_update:
            self._held.hold(application.id, application.version)
        return application

    def by_idempotency_key(self, key: str) -> Application | None:
        row = self.session.execute(
            text(f"SELECT {_COLUMNS} FROM applications WHERE idempotency_key = :key"), {"key": key}
        ).first()
        return self._load(row) if row else None

    def of_applicant(self, applicant_id: uuid.UUID, phones: list[str], limit: int,
                     before: datetime | None) -> list[Application]:
        """The applicant's own applications and those filed with a phone they proved."""
        rows = self.session.execute(text(
            f"SELECT {_COLUMNS} FROM applications WHERE (applicant_id = :a OR "
            "(form->>'contact_phone') = ANY(:phones)) AND (CAST(:before AS timestamptz) IS NULL "
            "OR created_at < :before) ORDER BY created_at DESC LIMIT :limit"),
            {"a": applicant_id, "phones": phones, "before": before, "limit": limit})
        return [self._load(r) for r in rows]

    def timeline(self, application_id: uuid.UUID) -> list[TimelineEntry]:
        rows = self.session.execute(text(
            "SELECT occurred_at, from_status, to_status, actor, note FROM application_events "
            "WHERE application_id = :a ORDER BY id"), {"a": application_id})
        return [TimelineEntry(**r._mapping) for r in rows]

    def add_version_snapshot(self, application: Application, snapshot: dict,
                             at: datetime) -> None:
        self.session.execute(text(
            "INSERT INTO application_versions (application_id, version_no, snapshot, created_at) "
            "SELECT :a, coalesce(max(version_no), 0) + 1, CAST(:s AS jsonb), :at "
            "FROM application_versions WHERE application_id = :a"),
            {"a": application.id, "s": json.dumps(snapshot, ensure_ascii=False, default=str),
             "at": at})

    def next_acceptance_sequence(self, district_code: str, day: date,
                                 unless_key_used: str | None = None) -> int | None:
        """Atomic per (district, day): concurrent submissions wait on the row lock, none share
        a number, and a rolled-back submission's number is never seen by anyone. None, and
        no number taken, when an application already has the idempotency key
        ``unless_key_used``."""
        return self.session.execute(_NEXT_SEQUENCE, {
            "district": district_code, "day": day, "key": unless_key_used}).scalar_one_or_none()


def _params(application: Application) -> dict:
    params = {c.strip(): getattr(application, c.strip()) for c in _COLUMNS.split(",")}
    for name in _JSON:
        params[name] = json.dumps(params[name], ensure_ascii=False, default=str) \
            if params[name] is not None else None
    return params


class ApplicantRepository(SqlRepository):
    def by_phone_or_new(self, phone: str, at: datetime) -> uuid.UUID:
        new_id = uuid.uuid4()
        self.session.execute(text(
            "INSERT INTO applicants (id, phone, created_at) VALUES (:id, :p, :at) "
            "ON CONFLICT (phone) DO NOTHING"), {"id": new_id, "p": phone, "at": at})
        applicant_id = self.session.execute(text(
            "SELECT id FROM applicants WHERE phone = :p"), {"p": phone}).scalar_one()
        self.add_phone(applicant_id, phone, at)
        return applicant_id

    def add_phone(self, applicant_id: uuid.UUID, phone: str, at: datetime) -> None:
        self.session.execute(text(
            "INSERT INTO applicant_phones (applicant_id, phone, proven_at) VALUES (:a, :p, :at) "
            "ON CONFLICT DO NOTHING"), {"a": applicant_id, "p": phone, "at": at})

    def phone_of(self, applicant_id: uuid.UUID) -> str | None:
        return self.session.execute(text(
            "SELECT phone FROM applicants WHERE id = :a"), {"a": applicant_id}).scalar()

    def phones(self, applicant_id: uuid.UUID) -> list[str]:
        return list(self.session.execute(text(
            "SELECT phone FROM applicant_phones WHERE applicant_id = :a ORDER BY proven_at"),
            {"a": applicant_id}).scalars())

    def bind_subject(self, applicant_id, subject: dict, method: str, notice_version: int,
                     at: datetime) -> None:
        self.session.execute(text(
            "INSERT INTO applicant_subjects (applicant_id, subject_code, subject, method, "
            "legal_notice_version, bound_at) VALUES (:a, :c, CAST(:s AS jsonb), :m, :v, :at) "
            "ON CONFLICT (applicant_id, subject_code) DO UPDATE SET subject = EXCLUDED.subject, "
            "method = EXCLUDED.method, legal_notice_version = EXCLUDED.legal_notice_version, "
            "bound_at = EXCLUDED.bound_at"),
            {"a": applicant_id, "c": subject["code"], "s": json.dumps(subject, ensure_ascii=False),
             "m": method, "v": notice_version, "at": at})

    def bound_subject(self, applicant_id, code: str) -> dict | None:
        return self.session.execute(text(
            "SELECT subject FROM applicant_subjects WHERE applicant_id = :a AND subject_code = :c"),
            {"a": applicant_id, "c": code}).scalar()

    def bound_subjects(self, applicant_id) -> list[dict]:
        rows = self.session.execute(text(
            "SELECT subject, method, bound_at FROM applicant_subjects WHERE applicant_id = :a "
            "ORDER BY bound_at DESC"), {"a": applicant_id})
        return [{"subject": r.subject, "method": r.method, "bound_at": r.bound_at} for r in rows]


class GuideRepository(SqlRepository):
    def current(self, kind: str, record_type: str, on: date) -> dict | None:
        return self.row(
            "SELECT kind, record_type, version, effective_from, title, body FROM guides "
            "WHERE kind = :k AND record_type = :t AND effective_from <= :on "
            "ORDER BY effective_from DESC, version DESC LIMIT 1",
            {"k": kind, "t": record_type, "on": on})

    def acknowledge(self, applicant_id, kind: str, record_type: str, version: int,
                    at: datetime) -> None:
        self.session.execute(text(
            "INSERT INTO acknowledgements (applicant_id, kind, record_type, version, "
            "acknowledged_at) VALUES (:a, :k, :t, :v, :at)"),
            {"a": applicant_id, "k": kind, "t": record_type, "v": version, "at": at})

    def acknowledged(self, applicant_id, kind: str, record_type: str, version: int) -> bool:
        return self.session.execute(text(
            "SELECT 1 FROM acknowledgements WHERE applicant_id = :a AND kind = :k AND "
            "record_type = :t AND version = :v LIMIT 1"),
            {"a": applicant_id, "k": kind, "t": record_type, "v": version}).first() is not None


class RuleRepository(SqlRepository):
    def all(self) -> list[RuleVersion]:
        return [RuleVersion(*row) for row in rule_versions.versions(self.session, "rule_versions")]

    def listing(self) -> list[dict]:
        return rule_versions.listing(self.session, "rule_versions")

    def add(self, version: str, effective_from: date, source: str, rules: dict,
            created_by: str | None) -> None:
        rule_versions.add(self.session, "rule_versions", version, effective_from, source, rules,
                          created_by)


class MaterialRepository(SqlRepository):
    def add(self, material: dict) -> None:
        self.session.execute(text(insert_sql("materials", MATERIAL_COLUMNS)), material)

    def of(self, application_id) -> list[dict]:
        return self.rows(f"SELECT {_MATERIAL_SHOWN} FROM materials WHERE application_id = :a "
                         "AND removed_at IS NULL ORDER BY uploaded_at", {"a": application_id})

    def get(self, application_id, material_id) -> dict | None:
        if uuid_or_none(material_id) is None:
            return None
        return self.row(f"SELECT {_MATERIAL_SHOWN} FROM materials WHERE application_id = :a "
                        "AND id = :m AND removed_at IS NULL",
                        {"a": application_id, "m": str(material_id)})

    def remove(self, application_id, material_id, at: datetime) -> bool:
        if uuid_or_none(material_id) is None:
            return False
        return self.session.execute(text(
            "UPDATE materials SET removed_at = :at WHERE application_id = :a AND id = :m "
            "AND removed_at IS NULL"),
            {"a": application_id, "m": str(material_id), "at": at}).rowcount == 1

    def counts(self, application: Application) -> tuple[int, int | None]:
        """Materials held by ``application`` (locked by the caller), and by every open
        application of its applicant; None for a counter application, where an officer files
        for many subjects. Uploads of one applicant queue here until their transaction ends,
        so two at once cannot both take the last place."""
        if application.applicant_id is None:
            return self.session.execute(text(
                "SELECT count(*) FROM materials WHERE application_id = :a AND removed_at IS NULL"),
                {"a": application.id}).scalar_one(), None
        self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                             {"k": f"materials:{application.applicant_id}"})
        row = self.session.execute(text(
            "SELECT count(*) FILTER (WHERE m.application_id = :a), count(*) "
            "FROM materials m JOIN applications p ON p.id = m.application_id "
            "WHERE m.removed_at IS NULL AND p.applicant_id = :o AND p.status = ANY(:open)"),
            {"a": application.id, "o": application.applicant_id, "open": sorted(OPEN)}).one()
        return int(row[0]), int(row[1])


class SignatureRepository(SqlRepository):
    def add(self, signature: dict) -> None:
        self.session.execute(text(insert_sql("signatures", SIGNATURE_COLUMNS)), signature)

    def of(self, application_id) -> list[dict]:
        return self.rows(
            "SELECT id, kind, content_hash, signer, expires_at, signed_at, created_at "
            "FROM signatures WHERE application_id = :a ORDER BY created_at",
            {"a": application_id})

    def by_token_hash(self, token_hash: str) -> dict | None:
        return self.row(
            "SELECT id, application_id, kind, content_hash, signer, expires_at, signed_at "
            "FROM signatures WHERE token_hash = :h FOR UPDATE", {"h": token_hash})

    def mark_signed(self, signature_id, signer: str, at: datetime) -> None:
        self.session.execute(text(
            "UPDATE signatures SET signed_at = :at, signer = :s WHERE id = :id"),
            {"at": at, "s": signer, "id": signature_id})
