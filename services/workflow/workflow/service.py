"""Workflow's entrypoints: validate, call a handler, return plain JSON.

Officer operations take the ``officer_id`` the gateway read from a verified token; workflow
loads the officer itself (unit, roles, active) and never trusts the client's word for them."""

from __future__ import annotations

import base64
import functools
import json
import uuid
from datetime import date

from credit_common import login as sessions
from credit_common.clock import now
from credit_common.contracts.officers import AdministratorScope
from credit_common.errors import EXPECTED, NotFound, ValidationFailed
from credit_common.logging import get_logger
from credit_common.nameko_ext.entrypoints import consume, rpc, subscribe, timer
from credit_common.nameko_ext.observability import MetricsServer
from credit_common.nameko_ext.offload import off_hub
from credit_common.nameko_ext.service import ServiceBase, parse_date, process_settings

from workflow.adapters import statistics_export
from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.config import WorkflowSettings
from workflow.domain.model import Officer
from workflow.domain.officers import scope
from workflow.handlers import (actions, cases, deadline_rules, deadlines, intake_events,
                               listing_removals, login, officers, repair_notices,
                               statistics, todo, withdrawn_penalties, working_days)
from workflow.metrics import case_metrics
from workflow.views import (action_view, case_view, document_view, officer_view,
                            removal_view, statistics_view, step_view, unit_view)

log = get_logger(__name__)


@functools.cache
def _login_policy():
    return process_settings(WorkflowSettings).login_policy()


def _officer_cursor(cursor: str) -> tuple[str, str, str]:
    try:
        unit_code, name, officer_id = json.loads(base64.urlsafe_b64decode(str(cursor)))
        return str(unit_code), str(name), str(uuid.UUID(str(officer_id)))
    except (ValueError, TypeError):
        raise ValidationFailed("INVALID_CURSOR", "翻页游标无效", {"field": "cursor"}) from None


def _session_view(result: login.OfficerLogin) -> dict:
    return {"officer": officer_view(result.officer),
            "session_id": str(result.session.session_id),
            "refresh_token": result.session.refresh_token,
            "refresh_expires_at": result.session.expires_at.isoformat()}


class WorkflowService(ServiceBase):
    name = "workflow"
    unit_of_work = WorkflowUnitOfWork
    settings_class = WorkflowSettings
    #: its own, not ServiceBase's: the open cases' gauges besides the common ones
    metrics = MetricsServer(WorkflowSettings, collect=case_metrics)

    def __init__(self):
        self.policy = _login_policy()

    def _acting(self, officer_id: str,
                read_only: bool = False) -> tuple[Officer, WorkflowUnitOfWork]:
        """The active officer making this call, and the call's unit of work."""
        uow = self._uow(read_only=read_only)
        return officers.officer(officer_id, uow), uow

    @rpc(expected_exceptions=EXPECTED)
    def get_case(self, acceptance_number: str):
        """The development route's view of a case (no officer: DEV_MODE only at the gateway)."""
        case = self._uow(read_only=True).cases.by_acceptance_number(str(acceptance_number))
        if case is None:
            raise NotFound("CASE_NOT_FOUND", "未找到该受理编号对应的案件")
        return case_view(case)

    # -- login ------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def request_login_code(self, phone: str, requester_ip: str | None = None):
        code, ttl = login.request_login_code(str(phone), requester_ip, self.policy,
                                             self._uow())
        return {"code": code, "expires_in": ttl}

    @rpc(expected_exceptions=EXPECTED)
    def log_in(self, phone: str, code: str):
        try:
            return _session_view(login.log_in(str(phone), str(code), self.policy,
                                              self._uow()))
        except sessions.CodeRejected as rejected:
            self.db.commit()  # the failed attempt counts, though the caller gets an error
            raise rejected.error from None

    @rpc(expected_exceptions=EXPECTED)
    def refresh_session(self, refresh_token: str):
        try:
            return _session_view(login.refresh(str(refresh_token), self.policy,
                                               self._uow()))
        except sessions.CodeRejected as rejected:
            self.db.commit()  # a reused token's session stays revoked
            raise rejected.error from None

    @rpc(expected_exceptions=EXPECTED)
    def log_out(self, session_id: str):
        sessions.revoke_session(self.db, str(session_id), now())
        return {"logged_out": True}

    @rpc(expected_exceptions=EXPECTED)
    def session_active(self, session_id: str, principal_id: str):
        return sessions.session_active(self.db, str(session_id), str(principal_id), now())

    # -- officers ---------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def me(self, officer_id: str):
        return officer_view(self._acting(officer_id, read_only=True)[0])

    @rpc(expected_exceptions=EXPECTED)
    def administrator(self, officer_id: str):
        """For the other services' administrator operations: the officer if active and an
        administrator, with the scope they act in (``None``: no limit on that axis)."""
        admin = officers.administrator(officer_id, self._uow(read_only=True))
        units, districts = scope(admin)
        return AdministratorScope(id=admin.id, unit_code=admin.unit_code, roles=list(admin.roles),
                                  units=units, districts=districts).model_dump(mode="json")

    @rpc(expected_exceptions=EXPECTED)
    def add_officer(self, admin_id: str, phone: str, name: str, unit_code: str, roles: list):
        admin, uow = self._acting(admin_id)
        return officer_view(officers.add_officer(admin, str(phone), str(name), str(unit_code),
                                                 list(roles), uow))

    @rpc(expected_exceptions=EXPECTED)
    def change_officer(self, admin_id: str, officer_id: str, changes: dict):
        admin, uow = self._acting(admin_id)
        allowed = {k: v for k, v in (changes or {}).items()
                   if k in ("name", "unit_code", "roles", "active")}
        return officer_view(officers.change_officer(admin, str(officer_id), uow, **allowed))

    @rpc(expected_exceptions=EXPECTED)
    def officers(self, admin_id: str, search: str | None = None, limit: int = 20,
                 cursor: str | None = None):
        """The officers within the administrator's scope, by unit and name, a page at a time."""
        admin, uow = self._acting(admin_id, read_only=True)
        limit = max(1, min(int(limit), 100))
        found = officers.officers_in_scope(admin, str(search) if search else None, limit,
                                           _officer_cursor(cursor) if cursor else None, uow)
        next_cursor = None
        if len(found) == limit:
            last = found[-1]
            next_cursor = base64.urlsafe_b64encode(json.dumps(
                [last.unit_code, last.name, str(last.id)], ensure_ascii=False).encode()).decode()
        return {"items": [officer_view(o) for o in found], "next_cursor": next_cursor}

    @rpc(expected_exceptions=EXPECTED)
    def units_for_officers(self, admin_id: str):
        """The units the administrator may put an officer in."""
        admin, _ = self._acting(admin_id, read_only=True)
        return {"items": [unit_view(u) for u in officers.units_in_scope(admin)],
                "next_cursor": None}

    # -- cases ------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def todo(self, officer_id: str, filters: dict | None = None, limit: int = 20,
             cursor: str | None = None):
        someone, uow = self._acting(officer_id, read_only=True)
        after = None
        if cursor:
            try:
                due, case_id = str(cursor).split("|", 1)
                after = (date.fromisoformat(due), case_id)
            except ValueError:
                raise ValidationFailed("INVALID_CURSOR", "翻页游标无效", {"field": "cursor"}) \
                    from None
        limit = max(1, min(int(limit), 100))
        found = todo.todo(someone, dict(filters or {}), limit, after, uow)
        today = now().date()
        soon = todo.due_soon_until(today, uow)
        days = working_days.calendar(uow)
        items = [case_view(c, today, soon, days) for c in found]
        next_cursor = None
        if len(items) == limit:
            last = found[-1]
            due = last.decide_due or last.accept_due or date(9999, 12, 31)
            next_cursor = f"{due.isoformat()}|{last.id}"
        return {"items": items, "next_cursor": next_cursor}

    @rpc(expected_exceptions=EXPECTED)
    def counts(self, officer_id: str):
        return todo.counts(*self._acting(officer_id, read_only=True))

    @rpc(expected_exceptions=EXPECTED)
    def case_page(self, officer_id: str, acceptance_number: str):
        officer, uow = self._acting(officer_id, read_only=True)
        page = cases.case_page(officer, str(acceptance_number), self.settings.approver_may_handle,
                               uow)
        return {"case": case_view(page.case, page.today, page.due_soon_until,
                                  page.calendar),
                "approval_form": [step_view(s) for s in page.steps],
                "documents": [document_view(d) for d in page.documents],
                "can_act": page.can_act,
                "allowed_actions": [action_view(a) for a in page.allowed_actions],
                "handler_name": page.handler_name}

    @rpc(expected_exceptions=EXPECTED)
    def transfer_targets(self, officer_id: str, acceptance_number: str):
        officer, uow = self._acting(officer_id, read_only=True)
        found = cases.transfer_targets(officer, str(acceptance_number), uow)
        return {"items": [unit_view(u) for u in found], "next_cursor": None}

    @rpc(expected_exceptions=EXPECTED)
    def act(self, officer_id: str, acceptance_number: str, action: str, version: int,
            opinion: str | None = None, target_unit_code: str | None = None):
        someone, uow = self._acting(officer_id)
        case = actions.act(someone, str(acceptance_number), str(action), int(version),
                           opinion, target_unit_code, self.settings.approver_may_handle, uow,
                           self.settings.public_base_url)
        return case_view(case, now().date())

    @rpc(expected_exceptions=EXPECTED)
    def statistics(self, officer_id: str, filters: dict | None = None):
        """``filters``: ``from``/``to`` (YYYY-MM-DD, default this year), ``district_code``,
        ``record_type``; see ``workflow.domain.statistics`` for what each figure counts."""
        officer, uow = self._acting(officer_id, read_only=True)
        return statistics_view(statistics.statistics(officer, dict(filters or {}), uow))

    @rpc(expected_exceptions=EXPECTED)
    def statistics_export(self, officer_id: str, filters: dict | None = None,
                          file_format: str = "csv"):
        """The same figures as a CSV or Excel file (``content_b64``, ``file_name``)."""
        if file_format not in statistics_export.MEDIA_TYPES:
            raise ValidationFailed("INVALID_EXPORT_FORMAT", "导出格式应为 csv 或 xlsx",
                                   {"field": "format"})
        view = self.statistics(officer_id, filters)
        # an Excel workbook is CPU work: rendered off the hub, heartbeats keep going
        content, media_type = off_hub(statistics_export.render, view, file_format)
        return {"file_name": statistics_export.file_name(view, file_format),
                "content_type": media_type, "content_b64": base64.b64encode(content).decode()}

    # -- documents --------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def documents_of_application(self, application_id: str):
        """For the gateway, after intake confirmed the applicant owns the application."""
        return [document_view(d) for d in
                self._uow(read_only=True).documents.of_application(str(application_id))]

    @rpc(expected_exceptions=EXPECTED)
    def document_pdf(self, document_id: str, application_id: str | None = None,
                     case_id: str | None = None):
        found = self._uow(read_only=True).documents.pdf(str(document_id))
        if found is None or (application_id and str(found["application_id"]) != str(
                application_id)) or (case_id and str(found["case_id"]) != str(case_id)):
            raise NotFound("DOCUMENT_NOT_FOUND", "未找到该文书")
        return {**document_view(found), "content_b64": base64.b64encode(found["pdf"]).decode()}

    @rpc(expected_exceptions=EXPECTED)
    def verify_document(self, code: str | None = None, sha256: str | None = None):
        """Public: a verification code or the SHA-256 of a file; "not found" for anything
        else, so a tampered file is told apart from the issued one."""
        documents = self._uow(read_only=True).documents
        found = documents.by_code(str(code).strip().upper()) if code else \
            documents.by_sha256(str(sha256).lower()) if sha256 else None
        if found is None:
            raise NotFound("DOCUMENT_NOT_FOUND", "未找到与之相符的文书")
        view = document_view(found)
        return {k: view[k] for k in ("number", "kind", "title", "subject_name", "subject_code",
                                     "issued_on", "sha256")}

    # -- calendar ---------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def add_working_days(self, admin_id: str, start: str, days: int):
        uow = self._uow(read_only=True)
        officers.administrator(admin_id, uow)
        return working_days.day_after_working_days(parse_date(start, "start"), int(days), uow)

    @rpc(expected_exceptions=EXPECTED)
    def calendar_overrides(self, admin_id: str):
        uow = self._uow(read_only=True)
        officers.administrator(admin_id, uow)
        return [{"day": o["day"].isoformat(), "is_working": o["is_working"], "note": o["note"]}
                for o in uow.calendar.listing()]

    @rpc(expected_exceptions=EXPECTED)
    def set_calendar_override(self, admin_id: str, day: str, is_working: bool, note: str):
        admin, uow = self._acting(admin_id)
        working_days.set_calendar_override(admin, parse_date(day, "day"), bool(is_working),
                                           str(note or ""), uow)
        return {"day": day, "is_working": bool(is_working)}

    @rpc(expected_exceptions=EXPECTED)
    def deadline_rule_versions(self, admin_id: str):
        return deadline_rules.versions(*self._acting(admin_id, read_only=True))

    @rpc(expected_exceptions=EXPECTED)
    def add_deadline_rule_version(self, admin_id: str, version: dict):
        """``version``: ``credit_common.contracts.deadlines.DeadlineRuleVersionCreate``."""
        admin, uow = self._acting(admin_id)
        return deadline_rules.add_version(admin, version if isinstance(version, dict) else {},
                                          uow)

    # -- events -----------------------------------------------------------------------------

    @subscribe("intake", "application_submitted")
    def on_application_submitted(self, envelope):
        case = intake_events.open_case(envelope, self._uow())
        if case is None:
            log.info("application_submitted: its case exists and cannot be reopened",
                     message_id=str(envelope.message_id))
        else:
            log.info("case opened", acceptance_number=case.acceptance_number,
                     message_id=str(envelope.message_id))

    on_application_withdrawn = consume("intake", "application_withdrawn",
                                       intake_events.withdraw_case)

    @timer(interval=lambda: WorkflowSettings().deadline_check_interval_s)
    def deadlines(self):
        """Safe with several instances: each notice is claimed by one UPDATE."""
        sent = deadlines.check_deadlines(now().date(), self._uow())
        if any(sent.values()):
            log.info("deadline notices", **sent)

    @rpc(expected_exceptions=EXPECTED)
    def check_deadlines(self, today: str | None = None):
        """Run the deadline check now (operators, tests); ``today`` to check as of a day."""
        return deadlines.check_deadlines(parse_date(today, "today") if today else now().date(),
                                         self._uow())

    @subscribe("disclosure", "penalty_withdrawn")
    def on_penalty_withdrawn(self, envelope):
        """A penalty was withdrawn: its undecided cases end as 无需修复."""
        ended = withdrawn_penalties.end_cases_of_withdrawn_penalty(envelope, self._uow())
        log.info("penalty withdrawn", cases_ended=ended)

    # -- cured listings (workflow.handlers.listing_removals) -------------------------------

    @subscribe("intake", "repair_notice_requested")
    def on_repair_notice_requested(self, envelope):
        """两书同达: the 信用修复告知书 of an own penalty, once per record."""
        document = repair_notices.issue_repair_notice(envelope, self._uow(),
                                                      self.settings.public_base_url)
        if document is not None:
            log.info("repair notice issued", number=document["number"],
                     record_id=str(document["record_id"]))

    @rpc(expected_exceptions=EXPECTED)
    def public_document_pdf(self, code: str):
        """Public: a repair notice's PDF by its verification code (the link its SMS carries)."""
        found = repair_notices.public_pdf(str(code), self._uow(read_only=True))
        if found is None:
            raise NotFound("DOCUMENT_NOT_FOUND", "未找到与之相符的文书")
        return {**document_view(found), "content_b64": base64.b64encode(found["pdf"]).decode()}

    @subscribe("disclosure", "listing_cured")
    def on_listing_cured(self, envelope):
        removal = listing_removals.on_listing_cured(envelope, self._uow(),
                                                    self.settings.public_base_url)
        if removal is not None:
            log.info("cured listing", removal_id=str(removal.id), status=removal.status,
                     document_number=removal.document_number)

    @rpc(expected_exceptions=EXPECTED)
    def listing_removals(self, officer_id: str, status: str | None = None, limit: int = 20,
                         cursor: str | None = None):
        """The cured listings the officer may see (an office its own), oldest first."""
        someone, uow = self._acting(officer_id, read_only=True)
        found, next_cursor = listing_removals.removals(
            someone, status, max(1, min(int(limit), 100)), cursor, uow)
        return {"items": [removal_view(r, someone) for r in found],
                "next_cursor": next_cursor}

    @rpc(expected_exceptions=EXPECTED)
    def listing_removal(self, officer_id: str, removal_id: str):
        someone, uow = self._acting(officer_id, read_only=True)
        removal = listing_removals.visible_removal(someone, str(removal_id), uow)
        return {**removal_view(removal, someone),
                "documents": [document_view(d)
                              for d in uow.listing_removals.documents(removal.id)]}

    @rpc(expected_exceptions=EXPECTED)
    def remove_listing(self, officer_id: str, removal_id: str):
        someone, uow = self._acting(officer_id)
        removal = listing_removals.remove_listing(someone, str(removal_id), uow,
                                                  self.settings.public_base_url)
        return removal_view(removal, someone)

    @rpc(expected_exceptions=EXPECTED)
    def listing_removal_document_pdf(self, officer_id: str, removal_id: str,
                                     document_id: str):
        officer, uow = self._acting(officer_id, read_only=True)
        removal = listing_removals.visible_removal(officer, str(removal_id), uow)
        found = uow.listing_removals.document_pdf(removal.id, str(document_id))
        if found is None:
            raise NotFound("DOCUMENT_NOT_FOUND", "未找到该文书")
        return {**document_view(found), "content_b64": base64.b64encode(found["pdf"]).decode()}
