"""Workflow's use cases: ``(command, uow) -> result``; the entrypoint commits."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from prometheus_client import Counter

from credit_common import login
from credit_common.clock import SHANGHAI, now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import (ApplicationSubmitted, ApplicationWithdrawn,
                                            CaseDeadline)
from credit_common.errors import Conflict, Forbidden, ValidationFailed
from credit_common.logging import get_logger
from credit_common.reference.organisation import DISTRICTS, UNITS, UnitKind, unit

from workflow import deadline_rules
from workflow.adapters import documents_pdf
from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import documents, model, pauses
from workflow.domain import statistics as stats
from workflow.domain.model import (ACTIONS, OPEN_STATUSES, ROLE_STATUSES, Case, Officer,
                                   can_act, can_see)
from workflow.domain.working_days import WorkingCalendar
from workflow.views import case_view, step_view

ROLES = ("handler", "reviewer", "section_head", "approver", "administrator")

log = get_logger(__name__)
FALLBACK_DAYS = Counter("workflow_calendar_fallback_days_total",
                        "Days counted Monday-to-Friday because chinese_calendar does not know "
                        "their year and no override covers them")


# -- calendar and deadlines -------------------------------------------------------------------

def calendar(uow: WorkflowUnitOfWork) -> WorkingCalendar:
    return WorkingCalendar(overrides=uow.calendar.overrides())


def accept_due(day: date, uow: WorkflowUnitOfWork, days_calendar: WorkingCalendar) -> date:
    rules = uow.calendar.deadline_rules(day)
    return days_calendar.add_working_days(day, int(rules["accept_working_days"]))


def decide_due(day: date, record_type: str, uow: WorkflowUnitOfWork,
               days_calendar: WorkingCalendar) -> date:
    rules = uow.calendar.deadline_rules(day)
    return days_calendar.add_working_days(day, int(rules["decide_working_days"][record_type]))


# -- events from intake -------------------------------------------------------------------------

def open_case(envelope: EventEnvelope, uow: WorkflowUnitOfWork) -> Case | None:
    """One case per submitted application, however often the event arrives; a corrected
    application coming back after a return reopens its case for acceptance. A message
    handled before fails its claim, and nothing is saved twice."""
    uow.claim_later("workflow.open_case", envelope.message_id)
    submitted = ApplicationSubmitted.model_validate(envelope.data)
    at = now()
    uow.calendar.prefetch(at.date())
    days = calendar(uow)
    due = accept_due(at.date(), uow, days)
    case = Case.open_for(submitted, at, due)
    # the first submission is the common case: insert, and look for a case only if one exists
    if uow.cases.add(case):
        withdrawn_at = uow.cases.take_early_withdrawal(submitted.application_id)
        if withdrawn_at is not None and case.withdrawn(withdrawn_at):
            uow.cases.save(case, case.version - 1)
        for event in case.events:
            uow.publish(event)
        return case
    existing = uow.cases.for_application(submitted.application_id, for_update=True)
    if existing is not None:
        version = existing.version
        if existing.resubmitted(at, due):
            pauses.resume(existing, at, days)
            uow.cases.save(existing, version)
            for event in existing.events:
                uow.publish(event)
            return existing
    return None


def withdraw_case(envelope: EventEnvelope, uow: WorkflowUnitOfWork) -> bool:
    """The applicant withdrew before a decision. Idempotent (the claim, as ``open_case``)."""
    uow.claim_later("workflow.withdraw_case", envelope.message_id)
    withdrawn = ApplicationWithdrawn.model_validate(envelope.data)
    case = uow.cases.for_application(withdrawn.application_id, for_update=True)
    if case is None:
        # the withdrawal overtook the submission (another queue): the case opens withdrawn
        uow.cases.remember_early_withdrawal(withdrawn.application_id, withdrawn.withdrawn_at)
        return False
    version, at = case.version, now()
    if case.withdrawn(at):
        pauses.stop(case, at, calendar(uow))
        uow.cases.save(case, version)
        return True
    return False


# -- officers and their login ------------------------------------------------------------------

def officer(officer_id: str, uow: WorkflowUnitOfWork) -> Officer:
    found = uow.officers.get(officer_id)
    if found is None or not found.active:
        raise Forbidden("OFFICER_DISABLED", "该办理人员账号不存在或已停用")
    return found


def request_login_code(phone: str, requester_ip: str | None, policy: login.LoginPolicy,
                       uow: WorkflowUnitOfWork) -> tuple[str | None, int]:
    """A code only for an active officer's phone; for any other phone the answer looks the
    same and nothing is sent, so the login page does not reveal who is an officer."""
    phone = login.checked_phone(phone)
    found = uow.officers.by_phone(phone)
    code, ttl = login.issue_code(uow.session, policy, phone, "officer_login", requester_ip,
                                 now())
    if found is None or not found.active:
        return None, ttl
    return code, ttl


@dataclass
class OfficerLogin:
    officer: Officer
    session: login.OpenedSession


def log_in(phone: str, code: str, policy: login.LoginPolicy,
           uow: WorkflowUnitOfWork) -> OfficerLogin:
    at = now()
    phone = login.checked_phone(phone)
    login.verify_code(uow.session, policy, phone, "officer_login", code, at)
    found = uow.officers.by_phone(phone)
    if found is None or not found.active:
        raise Forbidden("OFFICER_DISABLED", "该办理人员账号不存在或已停用")
    return OfficerLogin(found, login.open_session(uow.session, policy, found.id, phone, at))


def refresh(refresh_token: str, policy: login.LoginPolicy, uow: WorkflowUnitOfWork
            ) -> OfficerLogin:
    _sid, officer_id, _phone, opened = login.refresh_session(uow.session, policy,
                                                             refresh_token, now())
    return OfficerLogin(officer(str(officer_id), uow), opened)


def add_officer(admin: Officer, phone: str, name: str, unit_code: str, roles: list[str],
                uow: WorkflowUnitOfWork) -> Officer:
    require_admin(admin)
    new = Officer(id=uuid.uuid4(), name=_name(name), unit_code=_unit(unit_code).code,
                  roles=_roles(roles), phone=login.checked_phone(phone))
    _require_in_scope(admin, new.unit_code)
    _require_role_fits_unit(new)
    uow.officers.add(new)
    return new


def change_officer(admin: Officer, officer_id: str, uow: WorkflowUnitOfWork, *,
                   name: str | None = None, unit_code: str | None = None,
                   roles: list[str] | None = None, active: bool | None = None) -> Officer:
    require_admin(admin)
    found = uow.officers.get(officer_id)
    # an officer outside the scope gets the answer of one that does not exist: no hint of
    # who exists where
    if found is None or not _in_scope(admin, found.unit_code):
        raise Forbidden("OFFICER_OUTSIDE_SCOPE", "只能管理本单位（本辖区）范围内的办理人员")
    changed = Officer(id=found.id, phone=found.phone,
                      name=_name(name) if name is not None else found.name,
                      unit_code=_unit(unit_code).code if unit_code else found.unit_code,
                      roles=_roles(roles) if roles is not None else found.roles,
                      active=found.active if active is None else bool(active))
    _require_in_scope(admin, changed.unit_code)
    _require_role_fits_unit(changed)
    powers_changed = (set(changed.roles) != set(found.roles)
                      or changed.unit_code != found.unit_code
                      or (found.active and not changed.active))
    if powers_changed and str(found.id) == str(admin.id):
        raise Forbidden("OWN_ACCOUNT_NOT_CHANGEABLE",
                        "不能修改本人的角色、单位或启用状态，请由其他管理员办理")
    uow.officers.update(changed)
    if powers_changed:
        # the tokens carry unit and roles: every session of the officer ends now
        login.revoke_sessions_of(uow.session, found.id, now())
    return changed


def officers_in_scope(admin: Officer, search: str | None, limit: int, after: tuple | None,
                      uow: WorkflowUnitOfWork) -> list[Officer]:
    """The officers an administrator manages, as ``scope`` bounds the cases they see: an
    office's own, a district bureau's (or credit section's) whole district, the city's all."""
    require_admin(admin)
    units, districts = scope(admin)
    return uow.officers.in_scope(units, districts, (search or "").strip() or None, limit,
                                 after)


def units_in_scope(admin: Officer) -> list:
    """The units an administrator may put an officer in (the same bounds)."""
    require_admin(admin)
    units, districts = scope(admin)
    return [u for u in UNITS.values()
            if (units is None or u.code in units)
            and (districts is None or u.district_code in districts)]


def _in_scope(admin: Officer, unit_code: str) -> bool:
    units, districts = scope(admin)
    target = unit(unit_code or "")
    return not ((units is not None and unit_code not in units) or (
        districts is not None and (target is None or target.district_code not in districts)))


def _require_in_scope(admin: Officer, unit_code: str) -> None:
    if not _in_scope(admin, unit_code):
        raise Forbidden("OFFICER_OUTSIDE_SCOPE", "只能管理本单位（本辖区）范围内的办理人员",
                        {"unit_code": unit_code})


def _require_role_fits_unit(someone: Officer) -> None:
    found = unit(someone.unit_code)
    if "section_head" in someone.roles and (found is None
                                            or found.kind != UnitKind.credit_section):
        raise ValidationFailed("ROLE_NOT_FOR_UNIT", "信用监管科科长角色只能授予区局信用监管科的人员",
                               {"field": "roles", "role": "section_head"})


def require_admin(someone: Officer) -> None:
    if "administrator" not in someone.roles:
        raise Forbidden("ROLE_REQUIRED", "该操作需要管理员角色", {"role": "administrator"})


def _name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 50:
        raise ValidationFailed("INVALID_NAME", "请填写姓名（1 至 50 字）", {"field": "name"})
    return name


def _unit(code: str):
    found = unit(code or "")
    if found is None:
        raise ValidationFailed("UNKNOWN_UNIT", "未知的单位代码", {"field": "unit_code"})
    return found


def _roles(roles: list[str]) -> tuple[str, ...]:
    roles = tuple(dict.fromkeys(roles or []))
    if not roles or any(r not in ROLES for r in roles):
        raise ValidationFailed("INVALID_ROLES", "角色须为承办人、审核人、信用监管科科长、审批人或管理员",
                               {"field": "roles", "allowed": list(ROLES)})
    return roles


# -- what an officer may see -------------------------------------------------------------------

def scope(someone: Officer) -> tuple[list[str] | None, list[str] | None]:
    """(units, districts) an officer's lists cover; None means no limit on that axis."""
    mine = unit(someone.unit_code)
    if mine is None:
        return [], None
    if mine.kind == UnitKind.city_bureau:
        return None, None
    if mine.kind in (UnitKind.district_bureau, UnitKind.credit_section):
        return None, [mine.district_code]
    return [mine.code], None


def visible_case(someone: Officer, acceptance_number: str, uow: WorkflowUnitOfWork,
                 for_update: bool = False) -> Case:
    """The case if the officer may see it; another unit's case and an unknown number get
    the same answer, so nothing leaks."""
    case = uow.cases.by_acceptance_number(str(acceptance_number).strip(), for_update)
    if case is None or not can_see(someone, case.unit_code):
        raise Forbidden("CASE_NOT_ACCESSIBLE", "无权查看该案件或案件不存在")
    return case


def todo(someone: Officer, filters: dict, limit: int, after: tuple | None,
         uow: WorkflowUnitOfWork) -> list[Case]:
    units, districts = scope(someone)
    wanted = todo_statuses(someone)
    if filters.get("status"):  # one status, or several separated by commas
        wanted &= {s.strip() for s in str(filters["status"]).split(",")}
    today = now().date()
    if filters.get("due_soon"):
        wanted &= set(RUNNING)
        filters = {**filters, "due_soon_until": due_soon_until(today, uow)}
    return uow.cases.todo(units, districts, sorted(wanted), filters, today, limit, after)


def todo_statuses(someone: Officer) -> set[str]:
    """The steps the officer's todo list holds: those of the officer's roles; every open one
    for an administrator and for district and city officers."""
    wanted: set[str] = set()
    for role in someone.roles:
        wanted |= ROLE_STATUSES.get(role, set())
    if "administrator" in someone.roles or scope(someone)[0] is None:
        wanted |= OPEN_STATUSES
    return wanted


def due_soon_until(today: date, uow: WorkflowUnitOfWork) -> date:
    """A running case due between today and this day is 即将超期: the day up to which the
    deadline check reminds its unit (the lead of the deadline rules in force)."""
    return calendar(uow).add_working_days(today, deadline_rules.reminder_lead(today, uow))


def counts(someone: Officer, uow: WorkflowUnitOfWork) -> dict:
    """The officer's todo list in figures: per status, overdue and due soon, counted over
    the cases the list holds (so each figure matches the list filtered the same way)."""
    units, districts = scope(someone)
    today = now().date()
    wanted = sorted(todo_statuses(someone))
    return {**uow.cases.counts(units, districts, today, wanted),
            "due_soon": uow.cases.due_soon(units, districts,
                                           sorted(set(wanted) & set(RUNNING)), today,
                                           due_soon_until(today, uow))}


# -- actions -----------------------------------------------------------------------------------

def act(someone: Officer, acceptance_number: str, action: str, expected_version: int,
        opinion: str | None, target_unit_code: str | None, approver_may_handle: bool,
        uow: WorkflowUnitOfWork, public_base_url: str = "") -> Case:
    case = visible_case(someone, acceptance_number, uow, for_update=True)
    if not can_act(someone, case.unit_code, action):
        raise Forbidden("CASE_NOT_OF_MY_UNIT", "只能办理本单位的案件", {"unit_code": case.unit_code})
    if case.version != expected_version:
        raise _stale(case)
    if action == "revoke" and not any(s["action"] == "approve" for s in uow.cases.steps(case.id)):
        raise Conflict("NOTHING_TO_REVOKE", "该案件没有可撤销的准予修复决定")
    at = now()
    days = calendar(uow)
    due = decide_due(at.date(), case.record_type, uow, days) if action == "accept" else None
    version = case.version
    case.act(action, someone, opinion, at, target_unit_code=target_unit_code,
             approver_may_handle=approver_may_handle, decide_due=due)
    if action == "return":
        pauses.pause(case, at, days)
    uow.cases.save(case, version)
    kind = documents.DOCUMENT_FOR_ACTION.get(action)
    if kind is not None:
        issue_document(case, kind, opinion, at.date(), public_base_url, uow)
    for event in case.events:
        uow.publish(event)
    return case


def issue_document(case: Case, kind: str, opinion: str | None, today: date,
                   public_base_url: str, uow: WorkflowUnitOfWork) -> dict:
    """Number the document and fix what it says in the transaction of the decision it
    records (the decision and its document commit together or not at all); the PDF is
    rendered right after, outside it (``render_documents``), so a decision stays fast."""
    office = unit(case.unit_code or "")
    issuer = unit(office.district_code) if office and office.district_code else office
    sequence = uow.documents.next_number(issuer.code, kind, today.year)
    number = documents.document_number(issuer.short_name, kind, today.year, sequence)
    code = secrets.token_hex(6).upper()
    view = case_view(case)
    decide_days = None
    if kind == "acceptance_notice":
        decide_days = uow.calendar.deadline_rules(today)["decide_working_days"][case.record_type]
    content = {
        "unit_name": issuer.name, "case": view,
        "paragraphs": documents.paragraphs(kind, view, opinion, decide_days),
        "steps": [step_view(s) for s in uow.cases.steps(case.id)]
        if kind == "approval_form" else [],
        "verify_url": f"{public_base_url.rstrip('/')}/verify?code={code}",
    }
    document = {"id": uuid.uuid4(), "case_id": case.id, "application_id": case.application_id,
                "kind": kind, "number": number, "verification_code": code,
                "subject_name": case.subject_name, "subject_code": case.subject_uscc,
                "issued_on": today, "content": content, "created_at": now()}
    uow.documents.add(document)
    return document


def render_documents(uow: WorkflowUnitOfWork, limit: int = 10) -> int:
    """Render the documents still without a PDF; several instances share the work."""
    done = 0
    for document in uow.documents.claim_unrendered(limit):
        content = document["content"]
        pdf = documents_pdf.render(document["kind"], document["number"], content["unit_name"],
                                   document["issued_on"], content["case"],
                                   content["paragraphs"], content["steps"],
                                   content["verify_url"], document["verification_code"])
        uow.documents.rendered(document["id"], pdf, hashlib.sha256(pdf).hexdigest())
        done += 1
    return done


def allowed_actions(someone: Officer, case: Case, steps: list[dict],
                    approver_may_handle: bool) -> list[str]:
    """The actions the officer may take on the case now, by the rules ``act`` enforces."""
    approved = any(s["action"] == "approve" for s in steps)
    return [name for name in ACTIONS if can_act(someone, case.unit_code, name)
            and case.refusal(name, someone, approver_may_handle) is None
            and (name != "revoke" or approved)]


def transfer_targets(someone: Officer, acceptance_number: str, uow: WorkflowUnitOfWork
                     ) -> list:
    """The units the officer may transfer the case to (its own unit's only)."""
    case = visible_case(someone, acceptance_number, uow)
    if not can_act(someone, case.unit_code):
        raise Forbidden("CASE_NOT_OF_MY_UNIT", "只能办理本单位的案件", {"unit_code": case.unit_code})
    return model.transfer_targets(case.unit_code)


def _stale(case: Case) -> Conflict:
    return Conflict("STALE_VERSION", "案件已被其他人员处理，请刷新后重试",
                    {"current_version": case.version, "current_status": case.status})


# -- statistics --------------------------------------------------------------------------------

def statistics(someone: Officer, asked: dict, uow: WorkflowUnitOfWork) -> dict:
    """The figures of ``domain.statistics`` over the cases the officer may see: an office its
    own, a district bureau or credit section its district, the city bureau everything."""
    today = now().date()
    query = stats.statistics_query(asked.get("from"), asked.get("to"),
                                   asked.get("district_code"), asked.get("record_type"), today)
    units, districts = scope(someone)
    mine = unit(someone.unit_code)
    if query.district_code:
        outside = mine is None \
            or (districts is not None and query.district_code not in districts) \
            or (units is not None and mine.district_code != query.district_code)
        if outside:
            raise Forbidden("DISTRICT_NOT_IN_SCOPE", "只能统计本单位或本辖区的案件",
                            {"field": "district"})
        districts = [query.district_code]
    if districts is not None:
        shown = list(districts)
    elif units is None:
        shown = sorted(DISTRICTS)
    else:
        shown = [mine.district_code] if mine and mine.district_code else []
    start_at = datetime.combine(query.start, time(), SHANGHAI)
    end_at = datetime.combine(query.end + timedelta(days=1), time(), SHANGHAI)
    rows = uow.cases.statistics(units, districts, query.record_type, start_at, end_at, today,
                                RUNNING)
    spans = uow.cases.handling_spans(units, districts, query.record_type, start_at, end_at)
    decided = uow.cases.decided_by_month(units, districts, query.record_type, start_at, end_at)
    paused = uow.cases.pauses(units, districts, query.record_type, start_at, end_at)
    days = calendar(uow)
    figures = stats.figures(query, rows, spans, decided, days, shown, paused, today)
    if days.fallback_days:
        log.warning("statistics: working days beyond chinese_calendar, Monday to Friday assumed",
                    days=sorted(d.isoformat() for d in days.fallback_days))
        FALLBACK_DAYS.inc(len(days.fallback_days))
    level = "city" if mine and mine.kind == UnitKind.city_bureau else \
        "unit" if units is not None else "district"
    return {**figures, "as_of": today.isoformat(),
            "scope": {"level": level, "unit_code": someone.unit_code,
                      "district_code": mine.district_code if mine else None}}


def day_after_working_days(start: date, days: int, uow: WorkflowUnitOfWork) -> dict:
    if not 0 <= days <= 366:
        raise ValidationFailed("INVALID_DAYS", "工作日数应在 0 到 366 之间", {"field": "days"})
    days_calendar = calendar(uow)
    result = days_calendar.add_working_days(start, days)
    sources = {days_calendar.source(result)}
    return {"date": result.isoformat(),
            "source": "fallback" if days_calendar.fallback_days else sources.pop()}


def set_calendar_override(admin: Officer, day: date, is_working: bool, note: str,
                          uow: WorkflowUnitOfWork) -> None:
    require_admin(admin)
    if not (note or "").strip():
        raise ValidationFailed("NOTE_REQUIRED", "请说明调整原因（如国务院办公厅通知文号）",
                               {"field": "note"})
    uow.calendar.set_override(day, bool(is_working), note.strip())


def officer_name_of(officer_id, uow: WorkflowUnitOfWork) -> str | None:
    found = uow.officers.get(officer_id) if officer_id else None
    return found.name if found else None


# -- deadlines ---------------------------------------------------------------------------------

RUNNING = list(model.RUNNING_STATUSES)


def check_deadlines(today: date, uow: WorkflowUnitOfWork) -> dict[str, int]:
    """Remind each case's unit the rules' lead of working days before its due date, and
    escalate to the district's credit section once it is overdue; once per case and due date.
    A returned case is not running: its clock stands still until it is resubmitted."""
    days = calendar(uow)
    remind_until = days.add_working_days(today, deadline_rules.reminder_lead(today, uow))
    sent = {"reminder": 0, "escalation": 0}
    for kind, (due_from, due_to) in (("reminder", (today, remind_until)),
                                     ("escalation", (date(2000, 1, 1),
                                                     today - timedelta(days=1)))):
        for case in uow.cases.claim_deadline_notices(kind, RUNNING, due_from, due_to):
            found = unit(case.unit_code or "")
            district = found.district_code if found else case.district_code
            uow.publish(CaseDeadline(
                case_id=case.id, acceptance_number=case.acceptance_number,
                subject_name=case.subject_name, kind=kind,
                due=case.decide_due or case.accept_due, status=case.status,
                unit_code=case.unit_code or "", handler_id=case.handler_id,
                recipient_unit_code=case.unit_code if kind == "reminder" else f"{district}90"))
            sent[kind] += 1
    if days.fallback_days:
        log.warning("working days beyond chinese_calendar: Monday to Friday assumed",
                    days=sorted(d.isoformat() for d in days.fallback_days))
        FALLBACK_DAYS.inc(len(days.fallback_days))
    return sent
