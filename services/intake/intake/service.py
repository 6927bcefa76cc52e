"""Intake's entrypoints: validate the contract, call a handler, return plain JSON.

Applicant operations take the ``applicant_id`` the gateway read from a verified token; intake
checks ownership itself (``handlers.own_application``) and never trusts a client's id."""

from __future__ import annotations

import base64
import functools
from datetime import date, datetime

from eventlet.semaphore import Semaphore
from nameko.rpc import RpcProxy
from pydantic import TypeAdapter

from credit_common import login
from credit_common.contracts.commands import SubmitApplication
from credit_common.contracts.registry import RegistryRecord, SubjectSnapshot
from credit_common.contracts.reorganisation import CourtRuling
from credit_common.errors import EXPECTED, ValidationFailed
from credit_common.nameko_ext.administrators import require_administrator
from credit_common.nameko_ext.entrypoints import consume, rpc
from credit_common.nameko_ext.offload import off_hub
from credit_common.nameko_ext.service import (ServiceBase, parse_contract, parse_date,
                                              process_settings)

from intake import handlers
from intake.adapters import preview_pdf
from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.handlers import reorganisation, repair_notices
from intake.config import IntakeSettings
from intake.file_store import FileStore
from intake.views import (application_view, detail_view, guide_view, material_view,
                          rule_version_view, session_view)


_RECORDS = TypeAdapter(list[RegistryRecord])


def registry_records(records) -> list[RegistryRecord]:
    """The registry's records of a subject, as disclosure answered them to the gateway."""
    return parse_contract(_RECORDS, records or [])


def subject_snapshot(subject) -> dict:
    """What the application keeps of the subject, checked against its contract."""
    return parse_contract(SubjectSnapshot, subject).model_dump(mode="json")


def court_ruling(ruling) -> CourtRuling:
    return parse_contract(CourtRuling, ruling)


def new_rule_version(version, effective_from, source, rules) -> tuple[str, date, str, dict]:
    """An added rule version's arguments, checked: a version, a source and rules as an object."""
    if not isinstance(rules, dict) or not str(version).strip() or not str(source).strip():
        raise ValidationFailed("INVALID_RULES", "请提供版本号、依据和规则内容")
    return str(version).strip(), parse_date(effective_from, "effective_from"), str(source), rules


def versioned_rule(versions, add_version):
    """The administrator's list and add calls of one of intake's versioned rules (eligibility,
    reorganisation), named as the gateway's ``versioned_rule`` routes call them."""

    @rpc(expected_exceptions=EXPECTED)
    def listing(self, admin_id: str | None = None):
        require_administrator(self.workflow, admin_id)
        return [rule_version_view(v) for v in versions(self._uow(read_only=True))]

    @rpc(expected_exceptions=EXPECTED)
    def adding(self, version: str, effective_from: str, source: str, rules: dict,
               admin_id: str | None = None):
        admin = require_administrator(self.workflow, admin_id)
        return add_version(*new_rule_version(version, effective_from, source, rules),
                           str(admin.id), self._uow())

    return listing, adding


def _content(content_b64: str) -> bytes:
    try:
        return base64.b64decode(content_b64, validate=True)
    except ValueError:
        raise ValidationFailed("INVALID_FILE", "文件内容编码错误", {"field": "file"}) from None


#: reportlab keeps module state (registered fonts): one preview at a time, off the hub
_RENDERING = Semaphore(1)


@functools.cache
def _login_policy_and_files():
    settings = process_settings(IntakeSettings)
    return settings.login_policy(), FileStore(settings.files_dir)


class IntakeService(ServiceBase):
    name = "intake"
    unit_of_work = IntakeUnitOfWork
    settings_class = IntakeSettings
    #: asked whether the caller of an administrator operation is one
    workflow = RpcProxy("workflow")

    def __init__(self):
        # Nameko makes a service instance per worker: built once per process
        self.policy, self.files = _login_policy_and_files()

    # -- development route ----------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def submit_application(self, application: dict, idempotency_key: str | None = None):
        command = parse_contract(SubmitApplication, application)
        return application_view(handlers.submit_application(command, self._uow(), idempotency_key))

    @rpc(expected_exceptions=EXPECTED)
    def get_application(self, application_id: str):
        application = handlers.get_application(application_id, self._uow(read_only=True))
        return application_view(application)

    # -- login ------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def request_login_code(self, phone: str, requester_ip: str | None = None,
                           purpose: str = handlers.LOGIN_PURPOSE):
        """Returns the code to the gateway, which hands it to the notification service as an
        SMS; intake itself keeps only its HMAC."""
        if purpose not in (handlers.LOGIN_PURPOSE, handlers.PROVE_PHONE_PURPOSE):
            raise ValidationFailed("UNKNOWN_PURPOSE", "未知的验证码用途", {"field": "purpose"})
        code, ttl = handlers.request_login_code(str(phone), requester_ip, self.policy,
                                                self._uow(), purpose)
        return {"code": code, "expires_in": ttl}

    def _keeping_failures(self, action):
        try:
            return action()
        except login.CodeRejected as rejected:
            # the failed attempt must count even though the caller gets an error
            self.db.commit()
            raise rejected.error from None

    @rpc(expected_exceptions=EXPECTED)
    def log_in(self, phone: str, code: str):
        return session_view(self._keeping_failures(
            lambda: handlers.log_in(str(phone), str(code), self.policy, self._uow())))

    @rpc(expected_exceptions=EXPECTED)
    def refresh_session(self, refresh_token: str):
        return session_view(self._keeping_failures(
            lambda: handlers.refresh(str(refresh_token), self.policy, self._uow())))

    @rpc(expected_exceptions=EXPECTED)
    def log_out(self, session_id: str):
        handlers.log_out(str(session_id), self._uow())
        return {"logged_out": True}

    @rpc(expected_exceptions=EXPECTED)
    def session_active(self, session_id: str, principal_id: str):
        return handlers.session_active(str(session_id), str(principal_id),
                                       self._uow(read_only=True))

    @rpc(expected_exceptions=EXPECTED)
    def applicant(self, applicant_id: str):
        """Who is logged in: the login phone (full and masked) and the proven phones, masked;
        access tokens do not carry them."""
        return handlers.applicant(str(applicant_id), self._uow(read_only=True))

    @rpc(expected_exceptions=EXPECTED)
    def prove_phone(self, applicant_id: str, phone: str, code: str):
        phones = self._keeping_failures(lambda: handlers.prove_phone(
            applicant_id, str(phone), str(code), self.policy, self._uow()))
        return {"phones": phones}

    # -- guides, identity, records -----------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def guide(self, record_type: str):
        return guide_view(handlers.current_guide(str(record_type), self._uow(read_only=True)))

    @rpc(expected_exceptions=EXPECTED)
    def legal_notice(self):
        return guide_view(handlers.current_legal_notice(self._uow(read_only=True)))

    @rpc(expected_exceptions=EXPECTED)
    def acknowledge_guide(self, applicant_id: str, record_type: str, version: int):
        guide = handlers.acknowledge_guide(applicant_id, str(record_type), int(version),
                                           self._uow())
        return {"acknowledged": True, "version": guide["version"]}

    @rpc(expected_exceptions=EXPECTED)
    def bind_subject(self, applicant_id: str, subject: dict, method: str,
                     legal_notice_version: int):
        return handlers.bind_subject(applicant_id, subject_snapshot(subject), str(method),
                                     int(legal_notice_version), self._uow())

    @rpc(expected_exceptions=EXPECTED)
    def bound_subject(self, applicant_id: str, code: str):
        return handlers.bound_subject(applicant_id, str(code), self._uow(read_only=True))

    @rpc(expected_exceptions=EXPECTED)
    def assess_records(self, applicant_id: str, code: str, records: list,
                       record_type: str | None = None):
        return handlers.assess_records(applicant_id, str(code), record_type,
                                       registry_records(records),
                                       self._uow(read_only=True))

    rule_versions, add_rule_version = versioned_rule(handlers.rule_versions,
                                                     handlers.add_rule_version)

    # -- applications -----------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_draft(self, applicant_id: str, subject_code: str, record_type: str,
                     record_ids: list, form: dict, records: list):
        application = handlers.create_draft(applicant_id, str(subject_code), str(record_type),
                                            [str(i) for i in record_ids or []], form or {},
                                            registry_records(records), self._uow())
        return application_view(application)

    @rpc(expected_exceptions=EXPECTED)
    def update_draft(self, applicant_id: str, application_id: str, form: dict, version: int):
        return application_view(handlers.update_draft(applicant_id, str(application_id),
                                                      form or {}, int(version), self._uow()))

    @rpc(expected_exceptions=EXPECTED)
    def preview_pdf(self, applicant_id: str, application_id: str):
        detail = detail_view(handlers.application_detail(applicant_id, str(application_id),
                                                         self._uow(read_only=True)))
        return {"file_name": f"信用修复申请书-{detail['acceptance_number'] or '预览'}.pdf",
                "content_b64": base64.b64encode(self._render_preview(detail)).decode()}

    @staticmethod
    def _render_preview(detail: dict) -> bytes:
        with _RENDERING:
            return off_hub(preview_pdf.render, detail)

    @rpc(expected_exceptions=EXPECTED)
    def application_detail(self, applicant_id: str, application_id: str):
        return detail_view(handlers.application_detail(applicant_id, str(application_id),
                                                       self._uow(read_only=True)))

    @rpc(expected_exceptions=EXPECTED)
    def my_applications(self, applicant_id: str, limit: int = 20, cursor: str | None = None):
        before = None
        if cursor:
            try:
                before = datetime.fromisoformat(cursor)
            except ValueError:
                raise ValidationFailed("INVALID_CURSOR", "翻页游标无效", {"field": "cursor"}) from None
        limit = max(1, min(int(limit), 100))
        found = handlers.my_applications(applicant_id, limit, before, self._uow(read_only=True))
        items = [application_view(a) for a in found]
        return {"items": items,
                "next_cursor": items[-1]["created_at"] if len(items) == limit else None}

    @rpc(expected_exceptions=EXPECTED)
    def add_material(self, applicant_id: str, application_id: str, kind: str, file_name: str,
                     content_b64: str):
        try:
            content = base64.b64decode(content_b64, validate=True)
        except ValueError:
            raise ValidationFailed("INVALID_FILE", "文件内容编码错误", {"field": "file"}) from None
        material = handlers.add_material(
            applicant_id, str(application_id), str(kind), str(file_name or ""), content,
            self.settings.max_upload_bytes, self.files, self._uow(),
            max_per_application=self.settings.max_materials_per_application,
            max_per_applicant=self.settings.max_materials_per_applicant,
            # Pillow and zlib release the GIL: parsing in a real thread stalls nothing
            offload=off_hub)
        return material_view(material)

    @rpc(expected_exceptions=EXPECTED)
    def remove_material(self, applicant_id: str, application_id: str, material_id: str):
        handlers.remove_material(applicant_id, str(application_id), str(material_id),
                                 self._uow())
        return {"removed": True}

    @rpc(expected_exceptions=EXPECTED)
    def material_content(self, applicant_id: str, application_id: str, material_id: str):
        material, content = handlers.material_content(
            applicant_id, str(application_id), str(material_id), self.files,
            self._uow(read_only=True))
        return {**material_view(material),
                "content_b64": base64.b64encode(content).decode()}

    @rpc(expected_exceptions=EXPECTED)
    def seal(self, applicant_id: str, application_id: str):
        return handlers.seal(applicant_id, str(application_id), self._uow())

    @rpc(expected_exceptions=EXPECTED)
    def signature_link(self, applicant_id: str, application_id: str):
        return handlers.signature_link(applicant_id, str(application_id),
                                       self.settings.signature_link_ttl_s, self._uow())

    @rpc(expected_exceptions=EXPECTED)
    def signature_request(self, token: str):
        return handlers.signature_request(str(token), self._uow(read_only=True))

    @rpc(expected_exceptions=EXPECTED)
    def sign(self, token: str, signer_name: str):
        return handlers.sign(str(token), str(signer_name or ""), self._uow())

    @rpc(expected_exceptions=EXPECTED)
    def submit(self, applicant_id: str, application_id: str, records: list,
               idempotency_key: str | None = None):
        return application_view(handlers.submit(applicant_id, str(application_id),
                                                registry_records(records), idempotency_key,
                                                self._uow()))

    @rpc(expected_exceptions=EXPECTED)
    def withdraw(self, applicant_id: str, application_id: str, reason: str | None = None):
        return application_view(handlers.withdraw(applicant_id, str(application_id), reason,
                                                  self._uow()))

    # -- for officers (the gateway calls these after workflow confirmed the officer's scope) ---

    @rpc(expected_exceptions=EXPECTED)
    def application_for_officer(self, application_id: str):
        found = handlers.application_for_officer(str(application_id), self._uow(read_only=True))
        return {**detail_view(found), "eligibility": found["eligibility"]}

    @rpc(expected_exceptions=EXPECTED)
    def recheck_for_decision(self, application_id: str, records: list):
        """Workflow has checked the officer's scope; ``records``: the subject's, as now."""
        return handlers.recheck_for_decision(str(application_id), registry_records(records),
                                             self._uow(read_only=True))

    @rpc(expected_exceptions=EXPECTED)
    def material_for_officer(self, application_id: str, material_id: str):
        material, content = handlers.material_for_officer(
            str(application_id), str(material_id), self.files, self._uow(read_only=True))
        return {**material_view(material), "content_b64": base64.b64encode(content).decode()}

    # -- counter applications (an officer files for the subject; the gateway passes the
    # officer's id and unit from a verified token) --------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_counter_draft(self, officer_id: str, officer_unit: str, subject: dict,
                             record_type: str, record_ids: list, form: dict, records: list):
        return application_view(handlers.create_counter_draft(
            str(officer_id), str(officer_unit), subject_snapshot(subject), str(record_type),
            [str(i) for i in record_ids or []], form or {}, registry_records(records),
            self._uow()))

    # -- temporary repair during a bankruptcy reorganisation (the administrator applies with
    # the applicant login and the subject binding; the court's later ruling comes from the
    # administrator or an officer of the case's unit, checked by workflow first) ------------

    @rpc(expected_exceptions=EXPECTED)
    def create_reorganisation_draft(self, applicant_id: str, subject_code: str, ruling: dict,
                                    administrator_name: str, form: dict, records: list):
        application, answers = reorganisation.create_draft(
            applicant_id, str(subject_code), court_ruling(ruling), str(administrator_name or ""),
            form or {}, registry_records(records), self._uow())
        return {**application_view(application), "reorganisation": application.reorganisation,
                "eligibility": answers}

    @rpc(expected_exceptions=EXPECTED)
    def file_reorganisation_ruling(self, applicant_id: str, application_id: str, ruling: dict,
                                   file_name: str, content_b64: str):
        application = reorganisation.file_ruling_as_applicant(
            applicant_id, str(application_id), court_ruling(ruling), str(file_name or ""),
            _content(content_b64), self.settings.max_upload_bytes, self.files, self._uow(),
            offload=off_hub)
        return {**application_view(application), "reorganisation": application.reorganisation}

    @rpc(expected_exceptions=EXPECTED)
    def file_reorganisation_ruling_for_officer(self, officer_id: str, application_id: str,
                                               ruling: dict, file_name: str, content_b64: str):
        application = reorganisation.file_ruling_as_officer(
            str(officer_id), str(application_id), court_ruling(ruling), str(file_name or ""),
            _content(content_b64), self.settings.max_upload_bytes, self.files, self._uow(),
            offload=off_hub)
        return {**application_view(application), "reorganisation": application.reorganisation}

    reorganisation_rule_versions, add_reorganisation_rule_version = versioned_rule(
        reorganisation.rule_versions, reorganisation.add_rule_version)

    # -- events, each handed to its use case ----------------------------------------------------

    #: 两书同达: the 信用修复告知书's terms, for workflow to issue
    on_penalty_recorded = consume("disclosure", "penalty_recorded",
                                  repair_notices.request_repair_notice)
    on_temporary_repair_changed = consume("disclosure", "temporary_repair_changed",
                                          reorganisation.record_temporary_repair)
    on_case_opened = consume("workflow", "case_opened", handlers.record_case_opened)
    on_case_status_changed = consume("workflow", "case_status_changed",
                                     handlers.record_case_status)
