"""Applications as the applicant side sees them. Plain Python: no Nameko, no SQLAlchemy."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from credit_common.contracts.events import (ApplicationStatusChanged, ApplicationSubmitted,
                                            ApplicationWithdrawn, Event)
from credit_common.contracts.registry import RegistryRecord
from credit_common.contracts.reorganisation import CourtRuling
from credit_common.contracts.vocabulary import (APPLICATION_STATUS_LABELS, EDITABLE_STATUSES,
                                                ApplicationStatus, CaseStatus, RecordType)
from credit_common.errors import Conflict

from intake.domain import reorganisation as reorg

DISTRICT_CODE = re.compile(r"^\d{6}$")

#: statuses in which a record counts as "in an open application"
OPEN = {ApplicationStatus.draft, ApplicationStatus.submitted,
        ApplicationStatus.pending_acceptance, ApplicationStatus.accepted,
        ApplicationStatus.returned}
#: a decision has been made (or nothing can happen any more)
FINAL = {ApplicationStatus.not_accepted, ApplicationStatus.repaired, ApplicationStatus.rejected,
         ApplicationStatus.withdrawn, ApplicationStatus.repair_revoked,
         ApplicationStatus.temporarily_repaired, ApplicationStatus.temporary_repair_ended,
         ApplicationStatus.no_repair_needed}

#: a case's step -> what the applicant sees (DOMAIN.md's applicant-facing statuses)
CASE_TO_APPLICANT = {
    # a corrected application waits again
    CaseStatus.pending_acceptance: ApplicationStatus.pending_acceptance,
    CaseStatus.accepted: ApplicationStatus.accepted,
    CaseStatus.under_review: ApplicationStatus.accepted,
    CaseStatus.under_approval: ApplicationStatus.accepted,
    CaseStatus.not_accepted: ApplicationStatus.not_accepted,
    CaseStatus.returned: ApplicationStatus.returned,
    CaseStatus.approved: ApplicationStatus.repaired,
    CaseStatus.rejected: ApplicationStatus.rejected,
    CaseStatus.revoked: ApplicationStatus.repair_revoked,
    CaseStatus.no_repair_needed: ApplicationStatus.no_repair_needed,
}


def acceptance_number(district_code: str, day: date, sequence: int) -> str:
    """``XF-<district>-<yyyymmdd>-<6-digit daily sequence per district>`` (DOMAIN.md)."""
    if not DISTRICT_CODE.match(district_code):
        raise ValueError(f"district code must be 6 digits: {district_code!r}")
    if not 1 <= sequence <= 999_999:
        raise ValueError(f"daily sequence out of range: {sequence}")
    return f"XF-{district_code}-{day:%Y%m%d}-{sequence:06d}"


def content_hash(document: dict) -> str:
    """The hash of exactly what is sealed and signed: canonical JSON (sorted keys, no
    whitespace), so the same content always gives the same hash."""
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class TimelineEntry:
    occurred_at: datetime
    from_status: str | None
    to_status: str
    actor: str
    note: str | None = None


@dataclass
class Application:
    id: uuid.UUID
    acceptance_number: str | None
    record_type: str
    subject_uscc: str
    subject_name: str
    district_code: str
    status: str
    submitted_at: datetime | None
    updated_at: datetime
    idempotency_key: str | None = None
    case_id: uuid.UUID | None = None
    version: int = 1
    applicant_id: uuid.UUID | None = None
    subject: dict[str, Any] | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    form: dict[str, Any] = field(default_factory=dict)
    rule_version: str | None = None
    created_at: datetime | None = None
    decided_at: datetime | None = None
    case_version: int = 0
    #: set when an officer filed it at the counter on the subject's behalf
    counter_officer_id: uuid.UUID | None = None
    counter_unit_code: str | None = None
    #: a bankruptcy reorganisation's rulings, administrator and expiry (``domain.reorganisation``)
    reorganisation: dict[str, Any] | None = None
    events: list[Event] = field(default_factory=list, repr=False, compare=False)
    timeline: list[TimelineEntry] = field(default_factory=list, repr=False, compare=False)

    # -- creation ---------------------------------------------------------------------------

    @classmethod
    def submit(cls, *, acceptance_number: str, record_type: str, subject_uscc: str,
               subject_name: str, district_code: str, submitted_at: datetime,
               idempotency_key: str | None) -> Application:
        """A minimal application submitted in one step (the development route and the
        bench's load generator)."""
        application = cls(
            id=uuid.uuid4(), acceptance_number=acceptance_number, record_type=record_type,
            subject_uscc=subject_uscc, subject_name=subject_name, district_code=district_code,
            status=ApplicationStatus.submitted, submitted_at=submitted_at, updated_at=submitted_at,
            idempotency_key=idempotency_key, created_at=submitted_at,
        )
        application.events.append(application._submitted_event())
        return application

    @classmethod
    def draft(cls, *, applicant_id: uuid.UUID | None, subject: dict, record_type: str,
              records: list[RegistryRecord], form: dict, rule_version: str, at: datetime,
              counter_officer_id: uuid.UUID | None = None,
              counter_unit_code: str | None = None) -> Application:
        application = cls(
            id=uuid.uuid4(), acceptance_number=None, record_type=record_type,
            subject_uscc=subject["code"], subject_name=subject["name"],
            district_code=deciding_district(subject, records),
            status=ApplicationStatus.draft,
            submitted_at=None, updated_at=at, applicant_id=applicant_id, subject=subject,
            records=_kept(records), form=form, rule_version=rule_version, created_at=at,
            counter_officer_id=counter_officer_id, counter_unit_code=counter_unit_code,
        )
        application._move(None, ApplicationStatus.draft, at,
                          "officer" if counter_officer_id else "applicant",
                          "窗口代为申请，创建草稿" if counter_officer_id else "创建申请草稿")
        return application

    # -- the applicant's actions ------------------------------------------------------------

    def require_editable(self) -> None:
        if self.status not in EDITABLE_STATUSES:
            raise Conflict("APPLICATION_NOT_EDITABLE", "申请已提交，当前不能修改",
                           {"status": self.status})

    def require_version(self, expected_version: int) -> None:
        """The applicant changes what they last saw, not what another change left."""
        if int(expected_version) != self.version:
            raise Conflict("STALE_VERSION", "申请已被其他操作修改，请刷新后重试",
                           {"current_version": self.version})

    def update_form(self, form: dict, at: datetime) -> None:
        self.require_editable()
        self.form = form
        self.updated_at = at
        self.version += 1

    def submit_draft(self, number: str | None, rule_version: str,
                     records: list[RegistryRecord], at: datetime) -> None:
        """Submit a draft, or resubmit a returned application under the same number."""
        self.require_editable()
        resubmission = self.status == ApplicationStatus.returned
        self.acceptance_number = self.acceptance_number or number
        self.rule_version = rule_version
        self.records = _kept(records)
        self.submitted_at = at
        self._move(self.status, ApplicationStatus.submitted, at, "applicant",
                   "补正后重新提交" if resubmission else "提交申请")
        self.events.append(self._submitted_event())

    def withdraw(self, at: datetime, reason: str | None) -> None:
        if self.status in FINAL:
            raise Conflict("APPLICATION_ALREADY_DECIDED", "申请已办结或已撤回，不能撤回",
                           {"status": self.status})
        was_submitted = self.acceptance_number is not None
        self._move(self.status, ApplicationStatus.withdrawn, at, "applicant",
                   reason or "申请人撤回")
        if was_submitted:
            self.events.append(ApplicationWithdrawn(
                application_id=self.id, acceptance_number=self.acceptance_number,
                withdrawn_at=at, reason=reason))

    # -- what the officer side tells us -----------------------------------------------------

    def case_opened(self, case_id: uuid.UUID, at: datetime) -> bool:
        """The officer side has the case; the applicant now waits for acceptance."""
        if self.case_id is not None and self.case_id == case_id and \
                self.status != ApplicationStatus.submitted:
            return False
        self.case_id = case_id
        if self.status == ApplicationStatus.submitted:
            self._move(ApplicationStatus.submitted, ApplicationStatus.pending_acceptance, at,
                       "system", "已转办理机关，等待受理")
            self._tell_applicant(at, None)
        else:
            self.updated_at = at
            self.version += 1
        return True

    def case_status_changed(self, status: str, case_version: int, at: datetime,
                            note: str | None, decision_id: str | None = None) -> bool:
        """Apply one step of the officer side, once and in order; False if it changes
        nothing (a repeat, an older step, a step the applicant does not see, or an
        application already withdrawn).

        Steps the applicant does not see (closing the case) do not count as the latest step:
        an approval and the closing right after it can arrive in either order, and the
        approval must still become what the applicant sees."""
        target = CASE_TO_APPLICANT.get(status)
        reorganising = reorg.is_reorganisation(self)
        if reorganising and target == ApplicationStatus.repaired:
            target = ApplicationStatus.temporarily_repaired  # final only once the plan is
        if case_version <= self.case_version or self.status == ApplicationStatus.withdrawn \
                or target is None:
            return False
        self.case_version = case_version
        if target == self.status and target != ApplicationStatus.returned:
            self.updated_at = at
            self.version += 1
            return True
        labels = {ApplicationStatus.pending_acceptance: "补正材料已转办理机关，等待受理",
                  ApplicationStatus.returned: "退回补正",
                  ApplicationStatus.not_accepted: "不予受理",
                  ApplicationStatus.rejected: "不予修复", ApplicationStatus.repaired: "予以修复",
                  ApplicationStatus.accepted: "已受理，正在核实",
                  ApplicationStatus.repair_revoked: "信用修复决定已撤销",
                  ApplicationStatus.no_repair_needed: "无需修复",
                  ApplicationStatus.temporarily_repaired: "准予破产重整期间临时信用修复"}
        was = self.status
        if reorganising and target == ApplicationStatus.temporarily_repaired:
            note = "；".join(filter(None, [note, (
                f"临时修复有效期至{self.reorganisation['expires_on']}（含当日），人民法院裁定批准"
                "重整计划后请及时提交裁定书")]))
        self._move(self.status, target, at, "officer",
                   "：".join(filter(None, [labels.get(target), note])))
        self._tell_applicant(at, note)
        if reorganising and target == ApplicationStatus.temporarily_repaired:
            self.events.append(reorg.change_event(self, "granted", at, decision_id=decision_id))
        elif reorganising and target == ApplicationStatus.repair_revoked and was in (
                ApplicationStatus.temporarily_repaired, ApplicationStatus.repaired):
            self.events.append(reorg.change_event(self, "revoked", at, decision_id=decision_id))
        return True

    # -- a bankruptcy reorganisation after its approval ---------------------------------------

    def file_ruling(self, ruling: CourtRuling, material_id: str, actor: str, filed_by: str,
                    at: datetime) -> None:
        """The court's ruling on the plan, filed by the administrator or an officer
        (``reorg.check_follow_up`` first): disclosure is told, the status follows its answer."""
        self.reorganisation = {**self.reorganisation, "follow_up": {
            "ruling": ruling.model_dump(mode="json"), "material_id": material_id,
            "filed_by": filed_by, "filed_at": at.isoformat()}}
        self.updated_at = at
        self.version += 1
        self.timeline.append(TimelineEntry(at, self.status, self.status, actor,
                                           f"提交{reorg.ruling_text(ruling)}"))
        self.events.append(reorg.change_event(self, reorg.FOLLOW_UP_CHANGE[ruling.kind], at,
                                              ruling=ruling))

    def temporary_repair_changed(self, state: str, cause: str, at: datetime) -> bool:
        """Disclosure made the temporary repair final or ended it: what the applicant sees
        now. False for what changes nothing here (the grant, a revocation, a repeat)."""
        outcome = reorg.TEMPORARY_REPAIR_OUTCOMES.get((state, cause))
        if outcome is None or self.status != ApplicationStatus.temporarily_repaired:
            return False
        target, note = outcome
        self._move(self.status, target, at, "system", note)
        self._tell_applicant(at, note)
        return True

    def _tell_applicant(self, at: datetime, note: str | None) -> None:
        self.events.append(ApplicationStatusChanged(
            application_id=self.id, acceptance_number=self.acceptance_number,
            applicant_id=self.applicant_id, contact_phone=self.form.get("contact_phone"),
            status=self.status, status_label=APPLICATION_STATUS_LABELS.get(self.status, ""),
            note=note, occurred_at=at))

    # -- helpers ----------------------------------------------------------------------------

    def _move(self, from_status: str | None, to_status: str, at: datetime, actor: str,
              note: str | None) -> None:
        self.status = to_status
        self.updated_at = at
        if from_status is not None:
            self.version += 1
        if to_status in FINAL:
            self.decided_at = at
        self.timeline.append(TimelineEntry(at, from_status, to_status, actor, note))

    def _submitted_event(self) -> ApplicationSubmitted:
        return ApplicationSubmitted(
            application_id=self.id, acceptance_number=self.acceptance_number,
            record_type=self.record_type, subject_uscc=self.subject_uscc,
            subject_name=self.subject_name, district_code=self.district_code,
            submitted_at=self.submitted_at, version=self.version,
            record_ids=[r["id"] for r in self.records],
            # a reorganisation covers records of several units: the district's credit section
            deciding_unit_code=None if reorg.is_reorganisation(self)
            else unit_of_records(self.records),
            subject_district_code=(self.subject or {}).get("district_code"),
        )

    def sealed_content(self, materials: list[dict]) -> dict:
        """What the e-seal and the legal representative's signature cover."""
        return {
            "record_type": self.record_type,
            "subject": {k: (self.subject or {}).get(k) for k in
                        ("code", "name", "legal_rep_name")},
            "records": sorted(r["id"] for r in self.records),
            "form": self.form,
            "materials": sorted(f"{m['kind']}:{m['sha256']}" for m in materials),
        }


def _kept(records: list[RegistryRecord]) -> list[dict]:
    """The records as the application keeps them: the registry's view, plain JSON."""
    return [r.model_dump(mode="json") for r in records]


def deciding_district(subject: dict, records: list[RegistryRecord]) -> str:
    """The district whose bureau decides: where the records were made, else where the
    subject is registered (DOMAIN.md: other departments' penalties go to the registration
    district's credit section)."""
    for record in records:
        if record.record_type != RecordType.other_department_penalty and record.district_code:
            return record.district_code
    return subject.get("district_code") or records[0].district_code


def unit_of_records(records: list[dict]) -> str | None:
    """The unit that made the first of the kept records one of our units made: what
    ``application_submitted`` names, and workflow routes the case by
    (``organisation.deciding_unit``)."""
    for record in records:
        made_by = RegistryRecord.model_validate(record).made_by
        if made_by:
            return made_by
    return None
