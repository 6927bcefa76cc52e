"""Temporary repair during a bankruptcy reorganisation, on the applicant side. Plain Python.

The administrator appointed by the court (破产管理人) applies for the subject with the ruling
that accepted the reorganisation; the application holds every record of the subject the rules
let a reorganisation hide. Approved, they are hidden as 临时修复 until ``expires_on`` (the
ruling's date plus the term of the rules in force on the submission day); the court's
confirmation of the plan, filed later, makes the repair final, its termination of the
reorganisation ends it.

The rules are data (``reorganisation_rules``, versioned by effective date like the eligibility
rules): which record types and listing reasons a reorganisation may hide, which penalties it
may not, the term, the materials, and the articles they rest on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from credit_common.contracts.registry import RegistryRecord
from credit_common.contracts.reorganisation import CourtRuling, ReorganisationChanged
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from credit_common.contracts.vocabulary import (COURT_RULING_KIND_LABELS,
                                                BANKRUPTCY_REORGANISATION, ApplicationStatus,
                                                CourtRulingKind, ListingReason, PenaltyKind,
                                                PublicityState, RecordType)
from credit_common.errors import Conflict, ValidationFailed
from credit_common.identity import normalise_subject_code

from intake.domain.eligibility import add_months, require_future_start

if TYPE_CHECKING:
    from intake.domain.model import Application

#: the material each ruling comes with (``intake.domain.materials.MATERIAL_KINDS``)
RULING_MATERIAL = {
    CourtRulingKind.reorganisation_accepted: "reorganisation_ruling",
    CourtRulingKind.plan_confirmed: "plan_confirmation_ruling",
    CourtRulingKind.reorganisation_terminated: "termination_ruling",
}
#: the rulings filed after the approval, and what each asks disclosure to do
FOLLOW_UP_CHANGE = {CourtRulingKind.plan_confirmed: "plan_confirmed",
                    CourtRulingKind.reorganisation_terminated: "terminated"}


def is_reorganisation(application: Application) -> bool:
    return application.record_type == BANKRUPTCY_REORGANISATION


@dataclass(frozen=True)
class ReorganisationRules:
    version: str
    effective_from: date
    rules: dict[str, Any]

    @property
    def article(self) -> str:
        return self.rules.get("article", "")

    @property
    def term_months(self) -> int:
        return int(self.rules["term_months"])

    @property
    def materials(self) -> list[str]:
        return list(self.rules.get("materials", []))


class RuleSet(BaseModel):
    """What a version of the rules must say, checked before it is stored."""

    model_config = ConfigDict(extra="forbid")

    record_types: list[RecordType] = Field(min_length=1)
    listing_reasons: dict[RecordType, list[ListingReason]] = {}
    excluded_penalty_kinds: list[PenaltyKind] = []
    term_months: int = Field(ge=1, le=36)
    materials: list[str]
    article: str = Field(min_length=1, max_length=500)


def check_new_version(effective_from: date, rules: dict, today: date,
                      material_kinds: dict[str, str]) -> None:
    """A later version starts after today (one in force is never rewritten) and says all
    the rules ask, in known codes."""
    require_future_start(effective_from, today)
    try:
        checked = RuleSet.model_validate(rules)
    except ValidationError as exc:
        raise ValidationFailed("INVALID_RULES", "规则内容不符合破产重整临时修复规则的格式", {
            "fields": [".".join(str(p) for p in e["loc"]) for e in exc.errors()]}) from None
    unknown = [k for k in checked.materials if k not in material_kinds]
    if unknown:
        raise ValidationFailed("INVALID_RULES", "规则中有未知的材料类型",
                               {"unknown_materials": unknown})


def rules_in_force(versions: list[ReorganisationRules], on: date) -> ReorganisationRules:
    candidates = [v for v in versions if v.effective_from <= on]
    if not candidates:
        raise LookupError(f"no reorganisation rule version in force on {on}")
    return max(candidates, key=lambda v: v.effective_from)


# -- the ruling that accepted the reorganisation ---------------------------------------------

def _not_in_future(ruling: CourtRuling, today: date) -> None:
    if ruling.ruling_date > today:
        raise ValidationFailed("RULING_DATE_IN_FUTURE", "裁定日期不能晚于今天",
                               {"field": "ruling.ruling_date"})


def expiry(ruling: CourtRuling, rules: ReorganisationRules) -> date:
    """The last day of the temporary repair: the term counted from the ruling."""
    return add_months(ruling.ruling_date, rules.term_months)


def check_accepting_ruling(ruling: CourtRuling, subject: dict, today: date,
                           rules: ReorganisationRules) -> date:
    """The ruling that accepted the reorganisation, for the subject applied for, not dated in
    the future and with its term still running; answers the expiry."""
    if ruling.kind != CourtRulingKind.reorganisation_accepted:
        raise ValidationFailed("RULING_KIND_INVALID", "申请临时修复须提交受理重整申请的民事裁定书",
                               {"field": "ruling.kind"})
    _not_in_future(ruling, today)
    named = normalise_subject_code(ruling.debtor_code or "")
    if not named or named not in (subject.get("uscc"), subject.get("registration_number"),
                                  subject.get("code")):
        raise ValidationFailed("RULING_SUBJECT_MISMATCH",
                               "裁定书载明的债务人与申请修复的市场主体不一致",
                               {"field": "ruling.debtor_code"})
    if not (ruling.debtor_name or "").strip():
        raise ValidationFailed("VALIDATION_FAILED", "请填写裁定书载明的债务人名称",
                               {"fields": ["ruling.debtor_name"]})
    ends = expiry(ruling, rules)
    if ends < today:
        raise ValidationFailed(
            "REORGANISATION_PERIOD_ENDED",
            f"自裁定受理重整之日起已超过{rules.term_months}个月，不能申请临时修复",
            {"field": "ruling.ruling_date", "expires_on": ends.isoformat(),
             "rule_version": rules.version, "article": rules.article})
    return ends


# -- which records a reorganisation hides -----------------------------------------------------

def assess(record: RegistryRecord, rules: ReorganisationRules, held: bool) -> dict:
    """Whether the record is hidden by the temporary repair, why not, and by which rule."""
    rule = rules.rules

    def answer(eligible: bool, code: str | None = None, reason: str = "") -> dict:
        return {"record_id": str(record.id), "record_type": record.record_type.value,
                "eligible": eligible, "reason_code": code,
                "reason": reason or "符合破产重整期间临时修复条件",
                "rule_version": rules.version, "article": rules.article}

    if record.record_type.value not in rule.get("record_types", []):
        return answer(False, "TYPE_NOT_ELIGIBLE", "该类记录不适用破产重整期间临时修复")
    if record.publicity_state != PublicityState.active:
        return answer(False, "NOT_PUBLICISED", "该记录当前未在公示，无需修复")
    if held:
        return answer(False, "IN_OPEN_APPLICATION", "该记录已有正在办理的修复申请")
    reasons = rule.get("listing_reasons", {}).get(record.record_type.value)
    if reasons is not None and (record.listing_reason.value if record.listing_reason
                                else None) not in reasons:
        return answer(False, "REASON_NOT_ELIGIBLE", "该列入原因不适用破产重整期间临时修复")
    if record.record_type == RecordType.penalty_publicity and (
            record.severe or set(record.penalty_kinds) & set(
                rule.get("excluded_penalty_kinds", []))):
        return answer(False, "SEVERE_PENALTY",
                      "该行政处罚属于依法不予提前停止公示的情形，不适用临时修复")
    return answer(True)


def eligible_records(records: list[RegistryRecord], rules: ReorganisationRules,
                     held: set[str]) -> tuple[list[RegistryRecord], list[dict]]:
    """The subject's records the temporary repair hides, and an answer for every record."""
    answers = [assess(r, rules, str(r.id) in held) for r in records]
    chosen = [r for r, a in zip(records, answers, strict=True) if a["eligible"]]
    if not chosen:
        raise ValidationFailed("NO_ELIGIBLE_RECORDS", "该市场主体没有适用破产重整期间临时修复的记录",
                               {"records": answers})
    return chosen, answers


def materials_checklist(rules: ReorganisationRules, materials: list[dict],
                        labels: dict[str, str]) -> list[dict]:
    kinds = {m["kind"] for m in materials}
    return [{"kind": k, "label": labels[k], "provided": k in kinds} for k in rules.materials]


def require_materials(rules: ReorganisationRules, materials: list[dict],
                      labels: dict[str, str]) -> None:
    kinds = {m["kind"] for m in materials}
    missing = [k for k in rules.materials if k not in kinds]
    if missing:
        raise ValidationFailed("MATERIALS_MISSING", "缺少必需的申请材料：" + "、".join(
            labels[k] for k in missing), {"missing": missing})


def started(ruling: CourtRuling, administrator_name: str, expires_on: date,
            rules: ReorganisationRules) -> dict:
    """What the application keeps of the reorganisation when it is drafted."""
    name = administrator_name.strip()
    if not name:
        raise ValidationFailed("VALIDATION_FAILED", "请填写管理人名称",
                               {"fields": ["administrator_name"]})
    return {"accepting_ruling": ruling.model_dump(mode="json"), "administrator_name": name,
            "expires_on": expires_on.isoformat(), "rule_version": rules.version,
            "article": rules.article, "follow_up": None}


def accepting_ruling(application: Application) -> CourtRuling:
    return CourtRuling.model_validate(application.reorganisation["accepting_ruling"])


# -- after the approval: the court's rulings on the plan --------------------------------------

def check_follow_up(application: Application, ruling: CourtRuling, today: date) -> bool:
    """A confirmation of the plan or a termination, for an application whose temporary repair
    was approved and runs; True when it is the same ruling filed again (nothing to do)."""
    if not is_reorganisation(application) or application.reorganisation is None:
        raise Conflict("NO_TEMPORARY_REPAIR", "该申请不是破产重整期间临时修复申请",
                       {"application_id": str(application.id)})
    if ruling.kind not in FOLLOW_UP_CHANGE:
        raise ValidationFailed("RULING_KIND_INVALID",
                               "请提交批准重整计划或终止重整程序（宣告破产）的民事裁定书",
                               {"field": "kind"})
    _not_in_future(ruling, today)
    filed = application.reorganisation.get("follow_up")
    if filed is not None:
        same = CourtRuling.model_validate(filed["ruling"]) == ruling
        if same:
            return True
        raise Conflict("RULING_ALREADY_FILED", "已提交过人民法院关于重整计划的裁定，不能重复提交",
                       {"filed_kind": filed["ruling"]["kind"]})
    if application.status != ApplicationStatus.temporarily_repaired:
        raise Conflict("NO_TEMPORARY_REPAIR",
                       "该主体没有经批准且仍在有效期内的破产重整临时修复",
                       {"status": application.status})
    if ruling.ruling_date < accepting_ruling(application).ruling_date:
        raise ValidationFailed("RULING_DATE_BEFORE_ACCEPTANCE", "裁定日期早于受理重整申请的裁定日期",
                               {"field": "ruling_date"})
    return False


def ruling_text(ruling: CourtRuling) -> str:
    return f"{ruling.court}{ruling.case_number}{COURT_RULING_KIND_LABELS[ruling.kind]}"


def change_event(application: Application, change: str, at: datetime,
                 ruling: CourtRuling | None = None,
                 decision_id: str | None = None) -> ReorganisationChanged:
    reorganisation = application.reorganisation or {}
    return ReorganisationChanged(
        application_id=application.id, acceptance_number=application.acceptance_number,
        subject_code=application.subject_uscc, record_ids=[r["id"] for r in application.records],
        change=change, ruling=ruling or (accepting_ruling(application) if change == "granted"
                                         else None),
        expires_on=reorganisation.get("expires_on") if change == "granted" else None,
        decision_id=decision_id, occurred_at=at)


#: what disclosure's answer means for the applicant: (state, cause) -> status, note
TEMPORARY_REPAIR_OUTCOMES = {
    ("final", "plan_confirmed"): (ApplicationStatus.repaired,
                                  "人民法院裁定批准重整计划，临时修复转为信用修复"),
    ("reinstated", "terminated"): (ApplicationStatus.temporary_repair_ended,
                                   "人民法院裁定终止重整程序，临时修复终止，相关记录恢复公示"),
    ("reinstated", "expired"): (ApplicationStatus.temporary_repair_ended,
                                "临时修复有效期届满，未提交批准重整计划的裁定，相关记录恢复公示"),
}
