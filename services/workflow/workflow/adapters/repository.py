"""Cases, their approval form, officers and calendar data in PostgreSQL (SQLAlchemy Core)."""

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
from credit_common.sql import SqlRepository, prepared, text

from workflow.domain.model import NOT_OVERDUE_STATUSES, Case, Officer

_COLUMNS = ("id, application_id, acceptance_number, record_type, subject_uscc, subject_name, "
            "district_code, status, submitted_at, opened_at, version, unit_code, record_ids, "
            "handler_id, first_reviewer_id, accept_due, decide_due, accepted_at, decided_at, "
            "closed_at, paused_since, paused_working_days_left, paused_working_days_total, "
            "pause_count")
_NAMES = [c.strip() for c in _COLUMNS.split(",")]

_UPDATE_CASE = prepared(
    "UPDATE cases SET status = :status, version = :version, unit_code = :unit_code, "
    "handler_id = :handler_id, first_reviewer_id = :first_reviewer_id, "
    "accept_due = :accept_due, decide_due = :decide_due, accepted_at = :accepted_at, "
    "decided_at = :decided_at, closed_at = :closed_at, paused_since = :paused_since, "
    "paused_working_days_left = :paused_working_days_left, "
    "paused_working_days_total = :paused_working_days_total, pause_count = :pause_count "
    "WHERE id = :id AND version = :expected")
_INSERT_STEP = prepared(
    "INSERT INTO case_steps (case_id, action, from_status, to_status, officer_id, "
    "officer_name, unit_code, target_unit_code, opinion, request_id, occurred_at) "
    "VALUES (:c, :action, :f, :t, :o, :name, :unit, :target, :opinion, :rid, :at)")


#: past its due date and still to be decided: a returned case waits for the applicant and its
#: clock stands still (domain.pauses)
_OVERDUE = ("closed_at IS NULL AND status <> ALL(:not_overdue) "
            "AND coalesce(decide_due, accept_due) < :today")


def _params(case: Case) -> dict:
    params = {c: getattr(case, c) for c in _NAMES}
    params["record_ids"] = json.dumps([str(i) for i in case.record_ids])
    return params


def scope_conditions(conditions: list[str], params: dict, units: list[str] | None,
                     districts: list[str] | None, unit_column: str = "unit_code") -> None:
    """An officer's scope as SQL: None on an axis means no limit there."""
    if units is not None:
        conditions.append(f"{unit_column} = ANY(:units)")
        params["units"] = units
    if districts is not None:
        conditions.append("district_code = ANY(:districts)")
        params["districts"] = districts


class CaseRepository(SqlRepository):
    def __init__(self, session: Session, request_id: str | None = None):
        super().__init__(session)
        self.request_id = request_id
        self.seen: list[Case] = []
        self._held = HeldRows()

    def _load(self, row, locked: bool = False) -> Case:
        case = Case(**{c: getattr(row, c) for c in _NAMES})
        self.seen.append(case)
        if locked:
            self._held.hold(case.id, case.version)
        return case

    def add(self, case: Case) -> bool:
        """Insert unless a case for the same application exists; False if it did."""
        inserted = self.session.execute(prepared(
            f"INSERT INTO cases ({_COLUMNS}) VALUES ("
            + ", ".join(f"CAST(:{c} AS jsonb)" if c == "record_ids" else f":{c}"
                        for c in _NAMES)
            + ") ON CONFLICT (application_id) DO NOTHING"), _params(case)).rowcount
        if inserted:
            self.seen.append(case)
            self._write_steps(case)
        return bool(inserted)

    def save(self, case: Case, expected_version: int) -> None:
        """Optimistic lock: only if nobody changed the case since ``expected_version``."""
        params = _params(case)
        params["expected"] = expected_version
        self._held.update(self.session, _UPDATE_CASE, params, case.id, expected_version,
                          case.version, Conflict("STALE_VERSION", "案件已被其他人员处理，请刷新后重试"))
        self._write_steps(case)

    def _write_steps(self, case: Case) -> None:
        for step in case.steps:
            defer(self.session, _INSERT_STEP, {
                "c": case.id, "action": step.action, "f": step.from_status,
                "t": step.to_status, "o": step.officer_id, "name": step.officer_name,
                "unit": step.unit_code, "target": step.target_unit_code,
                "opinion": step.opinion, "rid": self.request_id, "at": step.occurred_at})
        case.steps = []

    def by_acceptance_number(self, number: str, for_update: bool = False) -> Case | None:
        lock = " FOR UPDATE" if for_update else ""
        row = self.session.execute(
            prepared(f"SELECT {_COLUMNS} FROM cases WHERE acceptance_number = :n{lock}"),
            {"n": number}).first()
        return self._load(row, for_update) if row else None

    def for_application(self, application_id: uuid.UUID, for_update: bool = False
                        ) -> Case | None:
        lock = " FOR UPDATE" if for_update else ""
        row = self.session.execute(
            text(f"SELECT {_COLUMNS} FROM cases WHERE application_id = :id{lock}"),
            {"id": application_id}).first()
        return self._load(row, for_update) if row else None

    def remember_early_withdrawal(self, application_id: uuid.UUID, at: datetime) -> None:
        """A withdrawal that overtook its submission: applied when the case opens."""
        self.session.execute(text(
            "INSERT INTO early_withdrawals (application_id, withdrawn_at) VALUES (:a, :at) "
            "ON CONFLICT (application_id) DO NOTHING"), {"a": application_id, "at": at})

    def take_early_withdrawal(self, application_id: uuid.UUID) -> datetime | None:
        return self.session.execute(text(
            "DELETE FROM early_withdrawals WHERE application_id = :a RETURNING withdrawn_at"),
            {"a": application_id}).scalar()

    def undecided_with_record(self, record_id: str, statuses: list[str]) -> list[Case]:
        """The cases about this record still waiting for a decision, locked."""
        rows = self.session.execute(text(
            f"SELECT {_COLUMNS} FROM cases WHERE record_ids @> CAST(:r AS jsonb) "
            "AND status = ANY(:statuses) ORDER BY id FOR UPDATE"),
            {"r": json.dumps([str(record_id)]), "statuses": list(statuses)}).all()
        return [self._load(row, True) for row in rows]

    def remember_withdrawn_penalty(self, record_id: str, note: str, at: datetime) -> bool:
        """A withdrawn penalty, for a case about it that opens later (the events overtake)."""
        return self.session.execute(text(
            "INSERT INTO withdrawn_penalties (record_id, note, withdrawn_at) VALUES (:r, :n, :at) "
            "ON CONFLICT (record_id) DO NOTHING RETURNING 1"),
            {"r": str(record_id), "n": note, "at": at}).first() is not None

    def withdrawn_penalties(self, record_ids: list[str]) -> list[tuple[str, str, datetime]]:
        if not record_ids:
            return []
        return [(str(r.record_id), r.note, r.withdrawn_at) for r in self.session.execute(text(
            "SELECT record_id, note, withdrawn_at FROM withdrawn_penalties "
            "WHERE record_id = ANY(CAST(:ids AS uuid[]))"),
            {"ids": [str(i) for i in record_ids]}).all()]

    def claim_deadline_notices(self, kind: str, statuses: list[str], due_from: date,
                               due_to: date, limit: int = 500) -> list[Case]:
        """Cases whose due date lies in [due_from, due_to] and that were not yet noticed for
        that very date; claimed in one UPDATE, so two timers never send the same notice."""
        column = {"reminder": "reminded_for", "escalation": "escalated_for"}[kind]
        due = "coalesce(decide_due, accept_due)"
        rows = self.session.execute(text(
            f"UPDATE cases SET {column} = {due} WHERE id IN (SELECT id FROM cases "
            f"WHERE status = ANY(:statuses) AND {due} BETWEEN :d_from AND :d_to "
            f"AND {column} IS DISTINCT FROM {due} ORDER BY {due}, id LIMIT :limit "
            f"FOR UPDATE SKIP LOCKED) RETURNING {_COLUMNS}"),
            {"statuses": statuses, "d_from": due_from, "d_to": due_to, "limit": limit})
        return [self._load(r) for r in rows]

    def steps(self, case_id: uuid.UUID) -> list[dict]:
        return self.rows(
            "SELECT action, from_status, to_status, officer_id, officer_name, unit_code, "
            "target_unit_code, opinion, request_id, occurred_at FROM case_steps "
            "WHERE case_id = :c ORDER BY id", {"c": case_id})

    def todo(self, units: list[str] | None, districts: list[str] | None, statuses: list[str],
             filters: dict, today: date, limit: int, after: tuple | None) -> list[Case]:
        """Open cases in scope at the given steps, by due date then id (keyset)."""
        conditions, params = ["status = ANY(:statuses)"], {"statuses": statuses, "limit": limit,
                                                           "today": today}
        scope_conditions(conditions, params, units, districts)
        if filters.get("acceptance_number"):
            conditions.append("acceptance_number = :number")
            params["number"] = filters["acceptance_number"]
        if filters.get("record_type"):
            conditions.append("record_type = :record_type")
            params["record_type"] = filters["record_type"]
        if filters.get("uscc"):
            conditions.append("subject_uscc = :uscc")
            params["uscc"] = filters["uscc"]
        if filters.get("subject_name"):
            conditions.append("subject_name ILIKE :name")
            escaped = filters["subject_name"].replace("\\", "\\\\").replace("%", "\\%").replace(
                "_", "\\_")
            params["name"] = f"%{escaped}%"
        if filters.get("overdue"):
            conditions.append(_OVERDUE)
            params["not_overdue"] = list(NOT_OVERDUE_STATUSES)
        if filters.get("due_soon_until"):
            conditions.append("coalesce(decide_due, accept_due) BETWEEN :today AND :soon")
            params["soon"] = filters["due_soon_until"]
        due = "coalesce(decide_due, accept_due, DATE '9999-12-31')"
        if after is not None:
            conditions.append(f"({due}, id) > (:after_due, :after_id)")
            params["after_due"], params["after_id"] = after
        rows = self.session.execute(text(
            f"SELECT {_COLUMNS} FROM cases WHERE {' AND '.join(conditions)} "
            f"ORDER BY {due}, id LIMIT :limit"), params)
        return [self._load(r) for r in rows]

    def counts(self, units: list[str] | None, districts: list[str] | None,
               today: date, statuses: list[str] | None = None) -> dict:
        """Per status and overdue; ``statuses`` limits both to those statuses."""
        conditions, params = ["true"], {"today": today}
        scope_conditions(conditions, params, units, districts)
        if statuses is not None:
            conditions.append("status = ANY(:statuses)")
            params["statuses"] = statuses
        where = " AND ".join(conditions)
        by_status = dict(self.session.execute(text(
            f"SELECT status, count(*) FROM cases WHERE {where} GROUP BY status"), params).all())
        overdue = self.session.execute(text(
            f"SELECT count(*) FROM cases WHERE {where} AND {_OVERDUE}"),
            {**params, "not_overdue": list(NOT_OVERDUE_STATUSES)}).scalar_one()
        return {"by_status": by_status, "overdue": overdue}

    def due_soon(self, units: list[str] | None, districts: list[str] | None,
                 statuses: list[str], today: date, until: date) -> int:
        conditions, params = ["status = ANY(:statuses)"], {"statuses": statuses, "today": today,
                                                           "until": until}
        scope_conditions(conditions, params, units, districts)
        return self.session.execute(text(
            f"SELECT count(*) FROM cases WHERE {' AND '.join(conditions)} "
            "AND coalesce(decide_due, accept_due) BETWEEN :today AND :until"),
            params).scalar_one()

    def _period(self, column: str, units, districts, record_type: str | None,
                start_at: datetime, end_at: datetime) -> tuple[str, dict]:
        conditions = [f"{column} >= :start_at", f"{column} < :end_at"]
        params = {"start_at": start_at, "end_at": end_at}
        scope_conditions(conditions, params, units, districts)
        if record_type:
            conditions.append("record_type = :record_type")
            params["record_type"] = record_type
        return " AND ".join(conditions), params

    def statistics(self, units, districts, record_type: str | None, start_at: datetime,
                   end_at: datetime, today: date, running: list[str]) -> list[dict]:
        """Cases submitted in [start_at, end_at), per unit, district, type, status and
        submission month (Asia/Shanghai): how many, decided, overdue (still running past the
        due date) and decided after the due date."""
        where, params = self._period("submitted_at", units, districts, record_type, start_at,
                                     end_at)
        due = "coalesce(decide_due, accept_due)"
        return self.rows(
            "SELECT unit_code, district_code, record_type, status, "
            "to_char(submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, "
            "count(*) AS cases, count(decided_at) AS decided, "
            f"count(*) FILTER (WHERE status = ANY(:running) AND {due} < :today) AS overdue, "
            "count(*) FILTER (WHERE (decided_at AT TIME ZONE 'Asia/Shanghai')::date > "
            f"{due}) AS decided_late, count(*) FILTER (WHERE status = 'returned') AS paused "
            f"FROM cases WHERE {where} GROUP BY 1, 2, 3, 4, 5",
            {**params, "today": today, "running": running})

    def handling_spans(self, units, districts, record_type: str | None, start_at: datetime,
                       end_at: datetime) -> list[dict]:
        """Of the cases submitted in the period that were accepted and decided: the
        acceptance and decision days (Asia/Shanghai) and how many share them."""
        return self._submitted_groups(
            "(accepted_at AT TIME ZONE 'Asia/Shanghai')::date AS accepted_on, "
            "(decided_at AT TIME ZONE 'Asia/Shanghai')::date AS decided_on",
            "accepted_at IS NOT NULL AND decided_at IS NOT NULL",
            units, districts, record_type, start_at, end_at)

    def pauses(self, units, districts, record_type: str | None, start_at: datetime,
               end_at: datetime) -> list[dict]:
        """Of the cases submitted in the period that were ever returned for correction: the
        working days of their ended pauses, the day the running one began (Asia/Shanghai,
        None if none runs), and how many share them."""
        return self._submitted_groups(
            "paused_working_days_total AS ended_days, "
            "(paused_since AT TIME ZONE 'Asia/Shanghai')::date AS paused_on",
            "pause_count > 0", units, districts, record_type, start_at, end_at)

    def _submitted_groups(self, two_columns: str, condition: str, units, districts,
                          record_type: str | None, start_at: datetime,
                          end_at: datetime) -> list[dict]:
        """The cases submitted in the period that meet ``condition``, counted per unit,
        district, type and the two columns named."""
        where, params = self._period("submitted_at", units, districts, record_type, start_at,
                                     end_at)
        return self.rows(
            f"SELECT unit_code, district_code, record_type, {two_columns}, count(*) AS cases "
            f"FROM cases WHERE {where} AND {condition} GROUP BY 1, 2, 3, 4, 5", params)

    def decided_by_month(self, units, districts, record_type: str | None,
                         start_at: datetime, end_at: datetime) -> dict[str, int]:
        """Decisions made in [start_at, end_at) per month (Asia/Shanghai)."""
        where, params = self._period("decided_at", units, districts, record_type, start_at,
                                     end_at)
        return dict(self.session.execute(text(
            "SELECT to_char(decided_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), count(*) "
            f"FROM cases WHERE {where} GROUP BY 1"), params).all())


class OfficerRepository(SqlRepository):
    @staticmethod
    def _officer(row) -> Officer:
        return Officer(id=row.id, name=row.name, unit_code=row.unit_code,
                       roles=tuple(row.roles), phone=row.phone, active=row.active)

    def get(self, officer_id) -> Officer | None:
        if uuid_or_none(officer_id) is None:
            return None
        row = self.session.execute(text(
            "SELECT id, phone, name, unit_code, roles, active FROM officers WHERE id = :id"),
            {"id": str(officer_id)}).first()
        return self._officer(row) if row else None

    def by_phone(self, phone: str) -> Officer | None:
        row = self.session.execute(text(
            "SELECT id, phone, name, unit_code, roles, active FROM officers WHERE phone = :p"),
            {"p": phone}).first()
        return self._officer(row) if row else None

    def add(self, officer: Officer) -> None:
        try:
            with self.session.begin_nested():
                self.session.execute(text(
                    "INSERT INTO officers (id, phone, name, unit_code, roles, active) "
                    "VALUES (:id, :phone, :name, :unit, :roles, :active)"),
                    {"id": officer.id, "phone": officer.phone, "name": officer.name,
                     "unit": officer.unit_code, "roles": list(officer.roles),
                     "active": officer.active})
        except IntegrityError:
            raise Conflict("OFFICER_PHONE_EXISTS", "该手机号已登记为办理人员") from None

    def update(self, officer: Officer) -> None:
        self.session.execute(text(
            "UPDATE officers SET name = :name, unit_code = :unit, roles = :roles, "
            "active = :active, updated_at = now() WHERE id = :id"),
            {"id": officer.id, "name": officer.name, "unit": officer.unit_code,
             "roles": list(officer.roles), "active": officer.active})

    def in_scope(self, units: list[str] | None, districts: list[str] | None,
                 search: str | None, limit: int, after: tuple | None) -> list[Officer]:
        """Officers of these units or districts (None: no limit on that axis), by unit, name
        and id, after the keyset ``after`` = (unit_code, name, id); ``search`` finds a part
        of the name or of the phone."""
        conditions, params = [], {"limit": limit}
        if units is not None:
            conditions.append("unit_code = ANY(:units)")
            params["units"] = list(units)
        if districts is not None:
            # a unit's code starts with its district's (reference.organisation)
            conditions.append("left(unit_code, 6) = ANY(:districts)")
            params["districts"] = list(districts)
        if search:
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append("(name LIKE :search OR phone LIKE :search)")
            params["search"] = f"%{escaped}%"
        if after:
            conditions.append("(unit_code, name, id) > (:after_unit, :after_name, "
                              "CAST(:after_id AS uuid))")
            params.update(after_unit=after[0], after_name=after[1], after_id=str(after[2]))
        rows = self.session.execute(text(
            "SELECT id, phone, name, unit_code, roles, active FROM officers "
            f"WHERE {' AND '.join(conditions) or 'true'} "
            "ORDER BY unit_code, name, id LIMIT :limit"), params)
        return [self._officer(r) for r in rows]

    def of_unit(self, unit_code: str) -> list[Officer]:
        rows = self.session.execute(text(
            "SELECT id, phone, name, unit_code, roles, active FROM officers "
            "WHERE unit_code = :u ORDER BY name"), {"u": unit_code})
        return [self._officer(r) for r in rows]


class _CalendarRead:
    """What one transaction read of the calendar data."""

    def __init__(self):
        self.rules: dict[date, dict] = {}
        self.overrides: dict[date, bool] | None = None


class CalendarRepository(SqlRepository):
    """What it read once it does not read again in the same session: a session lives for one
    worker, and a batch of events handled by one worker (one unit of work per event, one
    transaction for all) reads the calendar once."""

    _KEY = "workflow.calendar_read"

    @property
    def _read(self) -> _CalendarRead:
        read = self.session.info.get(self._KEY)
        if read is None:
            read = self.session.info[self._KEY] = _CalendarRead()
        return read

    def prefetch(self, on: date) -> None:
        """The overrides and the deadline rules in force ``on``, in one round trip."""
        read = self._read
        if read.overrides is not None and on in read.rules:
            return
        rules, overrides = self.session.execute(prepared(
            "SELECT (SELECT rules FROM deadline_rules WHERE effective_from <= :d "
            "ORDER BY effective_from DESC LIMIT 1), (SELECT coalesce(jsonb_object_agg("
            "day, is_working), '{}') FROM calendar_overrides)"), {"d": on}).one()
        if rules is not None:
            read.rules[on] = rules
        read.overrides = {date.fromisoformat(day): working
                          for day, working in overrides.items()}

    def overrides(self) -> dict[date, bool]:
        read = self._read
        if read.overrides is None:
            read.overrides = dict(self.session.execute(text(
                "SELECT day, is_working FROM calendar_overrides")).all())
        return dict(read.overrides)

    def listing(self) -> list[dict]:
        return self.rows(
            "SELECT day, is_working, note FROM calendar_overrides ORDER BY day")

    def set_override(self, day: date, is_working: bool, note: str) -> None:
        self._read.overrides = None
        self.session.execute(text(
            "INSERT INTO calendar_overrides (day, is_working, note) VALUES (:d, :w, :n) "
            "ON CONFLICT (day) DO UPDATE SET is_working = EXCLUDED.is_working, "
            "note = EXCLUDED.note"), {"d": day, "w": is_working, "n": note})

    def deadline_rule_versions(self) -> list[dict]:
        return rule_versions.listing(self.session, "deadline_rules")

    def add_deadline_rules(self, version: str, effective_from: date, source: str, rules: dict,
                           created_by) -> None:
        rule_versions.add(self.session, "deadline_rules", version, effective_from, source,
                          rules, created_by)
        self._read.rules.clear()

    def deadline_rules(self, on: date) -> dict:
        read = self._read
        if on not in read.rules:
            read.rules[on] = self.session.execute(text(
                "SELECT rules FROM deadline_rules WHERE effective_from <= :d "
                "ORDER BY effective_from DESC LIMIT 1"), {"d": on}).scalar_one()
        return read.rules[on]


class DocumentRepository(SqlRepository):
    def next_number(self, issuer: str, kind: str, year: int) -> int:
        """Per issuer, kind and year; concurrent issues wait on the row and never share or
        reuse a number (a rolled-back one is never seen)."""
        return self.session.execute(text(
            "INSERT INTO document_sequences (unit_code, kind, year, last_value) "
            "VALUES (:u, :k, :y, 1) ON CONFLICT (unit_code, kind, year) "
            "DO UPDATE SET last_value = document_sequences.last_value + 1 RETURNING last_value"),
            {"u": issuer, "k": kind, "y": year}).scalar_one()

    def add(self, document: dict) -> None:
        """A document of a case (``case_id`` and ``application_id``) or of a listing removal
        (``listing_removal_id``) or of a penalty record (``record_id``: its repair notice)."""
        self.session.execute(text(
            "INSERT INTO documents (id, case_id, application_id, listing_removal_id, record_id, "
            "kind, number, verification_code, subject_name, subject_code, issued_on, content, "
            "created_at) VALUES (:id, :case_id, :application_id, :listing_removal_id, "
            ":record_id, :kind, :number, :verification_code, :subject_name, :subject_code, "
            ":issued_on, CAST(:content AS jsonb), :created_at)"),
            {"case_id": None, "application_id": None, "listing_removal_id": None,
             "record_id": None, **document,
             "content": json.dumps(document["content"], ensure_ascii=False)})

    def claim_unrendered(self, limit: int) -> list[dict]:
        return self.rows(
            "SELECT id, kind, number, verification_code, issued_on, content FROM documents "
            "WHERE pdf IS NULL ORDER BY created_at LIMIT :limit FOR UPDATE SKIP LOCKED",
            {"limit": limit})

    def rendered(self, document_id, pdf: bytes, sha256: str) -> None:
        self.session.execute(text(
            "UPDATE documents SET pdf = :pdf, sha256 = :h WHERE id = :id"),
            {"pdf": pdf, "h": sha256, "id": document_id})

    _META = ("id, case_id, application_id, kind, number, verification_code, subject_name, "
             "subject_code, issued_on, sha256, created_at")

    def of_application(self, application_id) -> list[dict]:
        return self.rows(
            f"SELECT {self._META} FROM documents WHERE application_id = :a AND pdf IS NOT NULL "
            "ORDER BY created_at",
            {"a": str(application_id)})

    def of_case(self, case_id) -> list[dict]:
        return self.rows(
            f"SELECT {self._META} FROM documents WHERE case_id = :c AND pdf IS NOT NULL "
            "ORDER BY created_at",
            {"c": case_id})

    def pdf(self, document_id) -> dict | None:
        if uuid_or_none(document_id) is None:
            return None
        return self.row(
            f"SELECT {self._META}, pdf FROM documents WHERE id = :id AND pdf IS NOT NULL",
            {"id": str(document_id)})

    def by_code(self, code: str) -> dict | None:
        return self.row(
            f"SELECT {self._META} FROM documents WHERE verification_code = :c "
            "AND pdf IS NOT NULL",
            {"c": code})

    def of_record(self, record_id, kind: str) -> dict | None:
        """The document of ``kind`` issued with a penalty record (rendered or not yet)."""
        return self.row(
            f"SELECT {self._META} FROM documents WHERE record_id = :r AND kind = :k",
            {"r": str(record_id), "k": kind})

    def public_pdf(self, code: str, kinds: tuple[str, ...]) -> dict | None:
        """A rendered document of the kinds anyone may download, by its verification code."""
        return self.row(
            f"SELECT {self._META}, pdf FROM documents WHERE verification_code = :c "
            "AND kind = ANY(:kinds) AND pdf IS NOT NULL",
            {"c": code, "kinds": list(kinds)})

    def by_sha256(self, sha256: str) -> dict | None:
        return self.row(
            f"SELECT {self._META} FROM documents WHERE sha256 = :h", {"h": sha256})
