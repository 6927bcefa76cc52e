"""Intake's use cases: one function each, ``(command, uow) -> result``. They do not know they
run inside Nameko; the entrypoint commits what they staged when they return."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from credit_common import login
from credit_common.clock import now
from credit_common.contracts.commands import SubmitApplication
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import CaseOpened, CaseStatusChanged
from credit_common.contracts.vocabulary import RecordType
from credit_common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from credit_common.identity import mask_phone, normalise_subject_code

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import eligibility, rule_schema
from intake.domain.identity import is_valid_subject_code
from intake.domain.materials import (MATERIAL_KINDS, check_file_name, check_upload,
                                     safe_file_name)
from intake.domain.model import OPEN, Application, acceptance_number, content_hash
from intake.file_store import FileStore

LOGIN_PURPOSE = "login"
PROVE_PHONE_PURPOSE = "prove_phone"


# -- the development route's one-step submission ---------------------------------------------

def submit_application(command: SubmitApplication, uow: IntakeUnitOfWork,
                       idempotency_key: str | None = None) -> Application:
    """Save the application and stage ``application_submitted`` in the same transaction.

    A replay with the same idempotency key returns the first application and changes nothing
    (the gateway retries, and Nameko re-runs an RPC whose worker died before acking)."""
    if not is_valid_subject_code(command.subject_uscc):
        raise ValidationFailed("INVALID_USCC", "统一社会信用代码或注册号校验位错误",
                               {"field": "subject_uscc"})
    submitted_at = now()
    # one statement numbers the application unless the key was seen: a replay takes no number
    sequence = uow.applications.next_acceptance_sequence(
        command.district_code, submitted_at.date(), unless_key_used=idempotency_key)
    if sequence is None:
        return uow.applications.by_idempotency_key(idempotency_key)
    application = Application.submit(
        acceptance_number=acceptance_number(command.district_code, submitted_at.date(), sequence),
        record_type=command.record_type.value,
        subject_uscc=command.subject_uscc.strip().upper(),
        subject_name=command.subject_name.strip(),
        district_code=command.district_code,
        submitted_at=submitted_at,
        idempotency_key=idempotency_key,
    )
    uow.applications.add(application)
    for event in application.events:
        uow.publish(event)
    return application


def record_case_opened(envelope: EventEnvelope, uow: IntakeUnitOfWork) -> bool:
    """Workflow opened the case: the applicant now sees 待受理. Idempotent: a message handled
    before fails its claim, and nothing is saved twice. True if the application changed."""
    uow.claim_later("intake.record_case_opened", envelope.message_id)
    event = CaseOpened.model_validate(envelope.data)
    application = uow.applications.get(event.application_id, for_update=True)
    if application is None:
        # the case exists, so the application must: fail loudly and let retry/DLQ keep it
        raise NotFound("APPLICATION_NOT_FOUND", "未找到对应的信用修复申请")
    if not application.case_opened(event.case_id, now()):
        return False
    uow.applications.save(application)
    for told in application.events:
        uow.publish(told)
    return True


def record_case_status(envelope: EventEnvelope, uow: IntakeUnitOfWork) -> bool:
    """A step of the officer side becomes what the applicant sees. Idempotent, and in order
    by the case's version. True if the application changed."""
    uow.claim_later("intake.record_case_status", envelope.message_id)
    event = CaseStatusChanged.model_validate(envelope.data)
    application = uow.applications.get(event.application_id, for_update=True)
    if application is None:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到对应的信用修复申请")
    if not application.case_status_changed(event.status, event.case_version,
                                           event.occurred_at, event.note):
        return False
    uow.applications.save(application)
    for told in application.events:
        uow.publish(told)
    return True


def get_application(application_id: str, uow: IntakeUnitOfWork) -> Application:
    try:
        uuid.UUID(str(application_id))
    except ValueError:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到该申请") from None
    application = uow.applications.get(application_id)
    if application is None:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到该申请")
    return application


# -- login ------------------------------------------------------------------------------------

@dataclass
class LoginResult:
    applicant_id: uuid.UUID
    phone: str
    session: login.OpenedSession


def request_login_code(phone: str, requester_ip: str | None, policy: login.LoginPolicy,
                       uow: IntakeUnitOfWork, purpose: str = LOGIN_PURPOSE) -> tuple[str, int]:
    return login.issue_code(uow.session, policy, phone, purpose, requester_ip, now())


def log_in(phone: str, code: str, policy: login.LoginPolicy,
           uow: IntakeUnitOfWork) -> LoginResult:
    """Raises ``login.CodeRejected`` for a wrong code: the caller keeps the failure count."""
    at = now()
    phone = login.checked_phone(phone)
    login.verify_code(uow.session, policy, phone, LOGIN_PURPOSE, code, at)
    applicant_id = uow.applicants.by_phone_or_new(phone, at)
    return LoginResult(applicant_id, phone,
                       login.open_session(uow.session, policy, applicant_id, phone, at))


def refresh(refresh_token: str, policy: login.LoginPolicy, uow: IntakeUnitOfWork) -> LoginResult:
    _sid, applicant_id, phone, opened = login.refresh_session(uow.session, policy,
                                                              refresh_token, now())
    return LoginResult(applicant_id, phone, opened)


def log_out(session_id: str, uow: IntakeUnitOfWork) -> None:
    login.revoke_session(uow.session, session_id, now())


def session_active(session_id: str, principal_id: str, uow: IntakeUnitOfWork) -> bool:
    return login.session_active(uow.session, session_id, principal_id, now())


def applicant(applicant_id: str, uow: IntakeUnitOfWork) -> dict:
    try:
        found = uow.applicants.phone_of(uuid.UUID(str(applicant_id)))
    except ValueError:
        found = None
    if found is None:
        raise NotFound("APPLICANT_NOT_FOUND", "未找到该申请人")
    return {"id": str(applicant_id), "phone": found, "phone_masked": mask_phone(found),
            "phones_masked": [mask_phone(p) for p in
                              uow.applicants.phones(uuid.UUID(str(applicant_id)))]}


def prove_phone(applicant_id: str, phone: str, code: str, policy: login.LoginPolicy,
                uow: IntakeUnitOfWork) -> list[str]:
    """An earlier phone, proven by a code sent to it: its applications join "mine"."""
    at = now()
    phone = login.checked_phone(phone)
    login.verify_code(uow.session, policy, phone, PROVE_PHONE_PURPOSE, code, at)
    uow.applicants.add_phone(uuid.UUID(str(applicant_id)), phone, at)
    return uow.applicants.phones(uuid.UUID(str(applicant_id)))


# -- guides and the legal notice ------------------------------------------------------------

def _record_type(value: str) -> str:
    try:
        return RecordType(value).value
    except ValueError:
        raise ValidationFailed("UNKNOWN_RECORD_TYPE", "未知的记录类型",
                               {"field": "record_type"}) from None


def current_guide(record_type: str, uow: IntakeUnitOfWork) -> dict:
    guide = uow.guides.current("guide", _record_type(record_type), now().date())
    if guide is None:
        raise NotFound("GUIDE_NOT_FOUND", "该类型暂无办事指南")
    return guide


def current_legal_notice(uow: IntakeUnitOfWork) -> dict:
    notice = uow.guides.current("legal_notice", "", now().date())
    if notice is None:
        raise NotFound("LEGAL_NOTICE_NOT_FOUND", "暂无办理须知")
    return notice


def acknowledge_guide(applicant_id: str, record_type: str, version: int,
                      uow: IntakeUnitOfWork) -> dict:
    guide = current_guide(record_type, uow)
    if int(version) != guide["version"]:
        raise Conflict("GUIDE_VERSION_OUTDATED", "办事指南已更新，请阅读最新版本后再确认",
                       {"current_version": guide["version"]})
    uow.guides.acknowledge(applicant_id, "guide", guide["record_type"], guide["version"], now())
    return guide


# -- identity --------------------------------------------------------------------------------

def bind_subject(applicant_id: str, subject: dict, method: str, legal_notice_version: int,
                 uow: IntakeUnitOfWork) -> dict:
    """Remember that this applicant may act for ``subject`` (checked by phone or by the
    registry), with the legal notice they acknowledged."""
    notice = current_legal_notice(uow)
    if int(legal_notice_version) != notice["version"]:
        raise Conflict("LEGAL_NOTICE_OUTDATED", "办理须知已更新，请阅读最新版本后再确认",
                       {"current_version": notice["version"]})
    at = now()
    uow.guides.acknowledge(applicant_id, "legal_notice", "", notice["version"], at)
    uow.applicants.bind_subject(applicant_id, subject, method, notice["version"], at)
    return subject


def bound_subject(applicant_id: str, code: str, uow: IntakeUnitOfWork) -> dict:
    subject = uow.applicants.bound_subject(applicant_id, normalise_subject_code(code))
    if subject is None:
        raise Forbidden("SUBJECT_NOT_CONFIRMED", "请先确认市场主体身份")
    return subject


# -- records and eligibility -----------------------------------------------------------------

def _rules_on(day: date, uow: IntakeUnitOfWork) -> eligibility.RuleVersion:
    try:
        return eligibility.rule_in_force(uow.rules.all(), day)
    except LookupError:
        raise NotFound("NO_RULES_IN_FORCE", "当日没有生效的信用修复规则") from None


def assess_records(applicant_id: str, code: str, record_type: str | None, records: list[dict],
                   uow: IntakeUnitOfWork, on: date | None = None) -> list[dict]:
    """Every record of the subject (of one type, if given) with its eligibility answer."""
    subject = bound_subject(applicant_id, code, uow)
    wanted = _record_type(record_type) if record_type else None
    every_record = records
    records = [r for r in records if wanted is None or r["record_type"] == wanted]
    day = on or now().date()
    rules = _rules_on(day, uow)
    held = uow.applications.open_record_ids([r["id"] for r in records])
    return [{"record": r, "eligibility": eligibility.assess(
        r, subject.get("kind", ""), rules, day, r["id"] in held,
        subject_records=every_record).as_dict()} for r in records]


def add_rule_version(version: str, effective_from: date, source: str, rules: dict,
                     created_by: str | None, uow: IntakeUnitOfWork) -> dict:
    if effective_from <= now().date():
        raise ValidationFailed("EFFECTIVE_DATE_NOT_IN_FUTURE",
                               "新规则版本的生效日期必须晚于今天（已生效的规则不可追溯修改）",
                               {"field": "effective_from"})
    rule_schema.check(rules)
    uow.rules.add(version, effective_from, source, rules, created_by)
    return {"version": version, "effective_from": effective_from.isoformat(), "source": source}


# -- drafts -----------------------------------------------------------------------------------

#: an actor is an applicant's id, or this prefix and an officer's id for a counter application
OFFICER_ACTOR = "officer:"


def own_application(applicant_id: str, application_id: str, uow: IntakeUnitOfWork,
                    for_update: bool = False) -> Application:
    """The applicant's application (or the counter application the officer filed);
    anything else — another's, or none — is the same 403."""
    refused = Forbidden("APPLICATION_NOT_ACCESSIBLE", "无权访问该申请")
    try:
        uuid.UUID(str(application_id))
    except ValueError:
        raise refused from None
    application = uow.applications.get(application_id, for_update=for_update)
    if application is None:
        raise refused
    if str(applicant_id).startswith(OFFICER_ACTOR):
        if str(application.counter_officer_id) != str(applicant_id)[len(OFFICER_ACTOR):]:
            raise refused
        return application
    if str(application.applicant_id) != str(applicant_id):
        phones = uow.applicants.phones(uuid.UUID(str(applicant_id)))
        if application.form.get("contact_phone") not in phones or for_update:
            raise refused
    return application


def _checked_form(form: dict, rules: eligibility.RuleVersion, record_type: str,
                  complete: bool) -> dict:
    form = {k: (str(v).strip() if v is not None else None) for k, v in (form or {}).items()
            if k in ("contact_name", "contact_phone", "facts_and_reasons")}
    if form.get("contact_phone"):
        form["contact_phone"] = login.checked_phone(form["contact_phone"], "contact_phone")
    if complete:
        missing = [f for f in ("contact_name", "contact_phone") if not form.get(f)]
        if eligibility.facts_required(rules, record_type) and not form.get("facts_and_reasons"):
            missing.append("facts_and_reasons")
        if missing:
            raise ValidationFailed("FORM_INCOMPLETE", "请填写联系人、联系电话" + (
                "和事实与理由" if "facts_and_reasons" in missing else ""), {"fields": missing})
    return form


def _chosen_records(subject: dict, record_type: str, record_ids: list[str],
                    records: list[dict], rules, day: date, uow: IntakeUnitOfWork,
                    excluding: uuid.UUID | None = None) -> list[dict]:
    if not record_ids:
        raise ValidationFailed("NO_RECORD_SELECTED", "请至少选择一条需要修复的记录",
                               {"field": "record_ids"})
    by_id = {r["id"]: r for r in records}
    held = uow.applications.open_record_ids(list(by_id), excluding)
    chosen = []
    for record_id in dict.fromkeys(str(i) for i in record_ids):
        record = by_id.get(record_id)
        if record is None or record["record_type"] != record_type:
            raise ValidationFailed("RECORD_NOT_OF_SUBJECT", "所选记录不属于该市场主体或类型不符",
                                   {"record_id": record_id})
        if record_id in held:
            raise Conflict("RECORD_IN_OPEN_APPLICATION", "所选记录已有正在办理的修复申请",
                           {"record_id": record_id})
        answer = eligibility.assess(record, subject.get("kind", ""), rules, day,
                                    subject_records=records)
        if not answer.eligible:
            raise ValidationFailed("RECORD_NOT_ELIGIBLE", answer.reason, {
                "record_id": record_id, "reason_code": answer.reason_code,
                "rule_version": answer.rule_version, "article": answer.article,
                "earliest_eligible_date": answer.as_dict()["earliest_eligible_date"]})
        chosen.append(record)
    return chosen


def create_draft(applicant_id: str, code: str, record_type: str, record_ids: list[str],
                 form: dict, records: list[dict], uow: IntakeUnitOfWork) -> Application:
    record_type = _record_type(record_type)
    subject = bound_subject(applicant_id, code, uow)
    guide = current_guide(record_type, uow)
    if not uow.guides.acknowledged(applicant_id, "guide", record_type, guide["version"]):
        raise Forbidden("GUIDE_NOT_ACKNOWLEDGED", "请先阅读并确认办事指南",
                        {"guide_version": guide["version"]})
    at = now()
    rules = _rules_on(at.date(), uow)
    chosen = _chosen_records(subject, record_type, record_ids, records, rules, at.date(), uow)
    application = Application.draft(
        applicant_id=uuid.UUID(str(applicant_id)), subject=subject, record_type=record_type,
        records=chosen, form=_checked_form(form, rules, record_type, complete=False),
        rule_version=rules.version, at=at)
    uow.applications.add(application)
    # a draft already holds its records: two drafts cannot race to the same record
    uow.applications.hold_records(application)
    return application


def create_counter_draft(officer_id: str, officer_unit: str, subject: dict, record_type: str,
                         record_ids: list[str], form: dict, records: list[dict],
                         uow: IntakeUnitOfWork) -> Application:
    """An officer files an application at the counter for a subject whose records their
    unit made (or, for other departments' penalties, of their district's credit section)."""
    record_type = _record_type(record_type)
    at = now()
    rules = _rules_on(at.date(), uow)
    chosen = _chosen_records(subject, record_type, record_ids, records, rules, at.date(), uow)
    for record in chosen:
        unit_of_record = record.get("listing_unit_code") or record.get("deciding_unit_code") \
            or f"{record['district_code']}90"
        if record_type == "other_department_penalty":
            unit_of_record = f"{subject.get('district_code') or record['district_code']}90"
        if unit_of_record != officer_unit:
            raise Forbidden("RECORD_NOT_OF_MY_UNIT", "只能为本单位作出的记录代为申请",
                            {"record_id": record["id"]})
    application = Application.draft(
        applicant_id=None, subject=subject, record_type=record_type, records=chosen,
        form=_checked_form(form, rules, record_type, complete=False),
        rule_version=rules.version, at=at,
        counter_officer_id=uuid.UUID(str(officer_id)), counter_unit_code=officer_unit)
    uow.applications.add(application)
    uow.applications.hold_records(application)
    return application


def update_draft(applicant_id: str, application_id: str, form: dict, expected_version: int,
                 uow: IntakeUnitOfWork) -> Application:
    application = own_application(applicant_id, application_id, uow, for_update=True)
    if int(expected_version) != application.version:
        raise Conflict("STALE_VERSION", "申请已被其他操作修改，请刷新后重试",
                       {"current_version": application.version})
    rules = _rules_on(now().date(), uow)
    application.update_form(_checked_form(form, rules, application.record_type, False), now())
    uow.applications.save(application)
    return application


# -- materials --------------------------------------------------------------------------------

def add_material(applicant_id: str, application_id: str, kind: str, file_name: str,
                 content: bytes, max_bytes: int, store: FileStore,
                 uow: IntakeUnitOfWork, max_per_application: int = 20,
                 max_per_applicant: int = 200, offload=lambda work, *args: work(*args)) -> dict:
    """Store one material: the file judged by parsing it (``check_upload``, run through
    ``offload``: the service runs it off its event loop), within the per-application and
    per-applicant quotas; what is stored (a re-encoded image) is what hash and size describe."""
    application = own_application(applicant_id, application_id, uow, for_update=True)
    application.require_editable()
    if kind not in MATERIAL_KINDS:
        raise ValidationFailed("UNKNOWN_MATERIAL_KIND", "未知的材料类型", {"field": "kind"})
    check_file_name(file_name)
    in_application, of_owner = uow.materials.counts(application)
    if in_application >= max_per_application:
        raise Conflict("TOO_MANY_MATERIALS",
                       f"每件申请最多上传 {max_per_application} 份材料，请先删除不需要的材料",
                       {"limit": max_per_application, "scope": "application"})
    if of_owner is not None and of_owner >= max_per_applicant:
        raise Conflict("MATERIAL_QUOTA_EXCEEDED",
                       f"您办理中的申请已共有 {max_per_applicant} 份材料，已达上限",
                       {"limit": max_per_applicant, "scope": "applicant"})
    checked = offload(check_upload, content, max_bytes)
    sha256 = store.put(checked.content)
    material = {"id": uuid.uuid4(), "application_id": application.id, "kind": kind,
                "file_name": safe_file_name(file_name, checked.content_type),
                "content_type": checked.content_type, "size_bytes": len(checked.content),
                "sha256": sha256, "uploaded_at": now()}
    uow.materials.add(material)
    return material


def remove_material(applicant_id: str, application_id: str, material_id: str,
                    uow: IntakeUnitOfWork) -> None:
    application = own_application(applicant_id, application_id, uow, for_update=True)
    application.require_editable()
    if not uow.materials.remove(application.id, material_id, now()):
        raise NotFound("MATERIAL_NOT_FOUND", "未找到该材料")


def material_content(applicant_id: str, application_id: str, material_id: str,
                     store: FileStore, uow: IntakeUnitOfWork) -> tuple[dict, bytes]:
    application = own_application(applicant_id, application_id, uow)
    material = uow.materials.get(application.id, material_id)
    if material is None:
        raise NotFound("MATERIAL_NOT_FOUND", "未找到该材料")
    return material, store.get(material["sha256"])


# -- signing (Zhejiang flow) ------------------------------------------------------------------

def _sealed_hash(application: Application, uow: IntakeUnitOfWork) -> str:
    return content_hash(application.sealed_content(uow.materials.of(application.id)))


def signing_state(application: Application, uow: IntakeUnitOfWork) -> dict:
    """What signing the application still needs, for the content as it is now."""
    rules = _rules_on(now().date(), uow)
    # at the counter the officer checks the legal representative's identity in person
    required = eligibility.signing_required(rules, application.record_type) and \
        application.counter_officer_id is None
    current = _sealed_hash(application, uow)
    signatures = [s for s in uow.signatures.of(application.id) if s["signed_at"]]
    sealed = any(s["kind"] == "e_seal" and s["content_hash"] == current for s in signatures)
    signed = any(s["kind"] == "legal_rep_signature" and s["content_hash"] == current
                 for s in signatures)
    kinds = {m["kind"] for m in uow.materials.of(application.id)}
    subject = application.subject or {}
    alternative = None
    if subject.get("proof_material_mode"):
        alternative = "special_circumstances_proof"
    elif subject.get("legal_rep_document_type") not in (None, "resident_id"):
        alternative = "legal_rep_document"
    signature_done = signed or (alternative is not None and alternative in kinds)
    return {"required": required, "content_hash": current, "e_seal": sealed,
            "legal_rep_signature": signed, "signature_alternative": alternative,
            "complete": (not required) or (sealed and signature_done)}


def seal(applicant_id: str, application_id: str, uow: IntakeUnitOfWork) -> dict:
    application = own_application(applicant_id, application_id, uow, for_update=True)
    phone = applicant(applicant_id, uow)["phone"]
    application.require_editable()
    at = now()
    uow.signatures.add({"id": uuid.uuid4(), "application_id": application.id, "kind": "e_seal",
                        "content_hash": _sealed_hash(application, uow),
                        "signer": f"{application.subject_name}（经办手机 {phone}）",
                        "token_hash": None, "expires_at": None, "signed_at": at,
                        "created_at": at})
    return signing_state(application, uow)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signature_link(applicant_id: str, application_id: str, ttl_s: int,
                   uow: IntakeUnitOfWork) -> dict:
    """A one-time link for the legal representative, bound to the content as it is now."""
    application = own_application(applicant_id, application_id, uow, for_update=True)
    application.require_editable()
    token, at = secrets.token_urlsafe(24), now()
    expires_at = at + timedelta(seconds=ttl_s)
    uow.signatures.add({"id": uuid.uuid4(), "application_id": application.id,
                        "kind": "legal_rep_signature",
                        "content_hash": _sealed_hash(application, uow), "signer": None,
                        "token_hash": _token_hash(token), "expires_at": expires_at,
                        "signed_at": None, "created_at": at})
    return {"token": token, "expires_at": expires_at.isoformat()}


def _signature_by_token(token: str, uow: IntakeUnitOfWork) -> tuple[dict, Application]:
    signature = uow.signatures.by_token_hash(_token_hash(token or ""))
    if signature is None:
        raise NotFound("SIGNATURE_LINK_NOT_FOUND", "签名链接无效")
    if signature["signed_at"] is not None:
        raise Conflict("SIGNATURE_LINK_USED", "该签名链接已使用")
    if signature["expires_at"] <= now():
        raise Conflict("SIGNATURE_LINK_EXPIRED", "签名链接已过期，请申请人重新生成")
    application = uow.applications.get(signature["application_id"])
    if _sealed_hash(application, uow) != signature["content_hash"]:
        raise Conflict("CONTENT_CHANGED", "申请内容已修改，请申请人重新生成签名链接")
    return signature, application


def signature_request(token: str, uow: IntakeUnitOfWork) -> dict:
    """What the legal representative sees before signing (no personal data beyond that)."""
    signature, application = _signature_by_token(token, uow)
    return {"acceptance_number": application.acceptance_number,
            "record_type": application.record_type, "subject_name": application.subject_name,
            "legal_rep_name": (application.subject or {}).get("legal_rep_name"),
            "content_hash": signature["content_hash"],
            "expires_at": signature["expires_at"].isoformat(),
            "records": [{"id": r["id"], "decision_number": r.get("decision_number"),
                         "listing_document_number": r.get("listing_document_number")}
                        for r in application.records]}


def sign(token: str, signer_name: str, uow: IntakeUnitOfWork) -> dict:
    signature, application = _signature_by_token(token, uow)
    expected = (application.subject or {}).get("legal_rep_name")
    if not signer_name or signer_name.strip() != expected:
        raise ValidationFailed("SIGNER_MISMATCH", "签名人姓名与登记的法定代表人不一致",
                               {"field": "signer_name"})
    uow.signatures.mark_signed(signature["id"], signer_name.strip(), now())
    return {"signed": True, "content_hash": signature["content_hash"]}


# -- submission, progress, withdrawal ---------------------------------------------------------

def submit(applicant_id: str, application_id: str, records: list[dict],
           idempotency_key: str | None, uow: IntakeUnitOfWork) -> Application:
    """Atomic: the acceptance number, the status, the records held, the timeline and the
    ``application_submitted`` event commit together or not at all."""
    application = own_application(applicant_id, application_id, uow, for_update=True)
    if idempotency_key and application.idempotency_key == idempotency_key and \
            application.acceptance_number is not None:
        return application  # the same request again: the first answer, nothing changed
    if application.status not in ("draft", "returned"):
        raise Conflict("ALREADY_SUBMITTED", "申请已提交，请勿重复提交",
                       {"status": application.status})
    at = now()
    rules = _rules_on(at.date(), uow)
    form = _checked_form(application.form, rules, application.record_type, complete=True)
    fresh = _chosen_records(application.subject or {}, application.record_type,
                            [r["id"] for r in application.records], records, rules,
                            at.date(), uow, excluding=application.id)
    kinds = {m["kind"] for m in uow.materials.of(application.id)}
    missing = [k for k in eligibility.required_materials(rules, application.record_type)
               if k not in kinds]
    if missing:
        raise ValidationFailed("MATERIALS_MISSING", "缺少必需的申请材料：" + "、".join(
            MATERIAL_KINDS[k] for k in missing), {"missing": missing})
    state = signing_state(application, uow)
    if not state["complete"]:
        raise Conflict("SIGNING_INCOMPLETE", "请先完成企业电子签章和法定代表人签名",
                       {"signing": {k: v for k, v in state.items() if k != "content_hash"}})
    number = None
    if application.acceptance_number is None:
        sequence = uow.applications.next_acceptance_sequence(application.district_code, at.date())
        number = acceptance_number(application.district_code, at.date(), sequence)
    application.form = form
    application.idempotency_key = idempotency_key or application.idempotency_key
    application.submit_draft(number, rules.version, fresh, at)
    uow.applications.save(application)
    uow.applications.hold_records(application)
    uow.applications.add_version_snapshot(application, {
        "form": application.form, "records": application.records,
        "materials": [{"kind": m["kind"], "sha256": m["sha256"]}
                      for m in uow.materials.of(application.id)],
        "rule_version": rules.version}, at)
    for event in application.events:
        uow.publish(event)
    return application


def withdraw(applicant_id: str, application_id: str, reason: str | None,
             uow: IntakeUnitOfWork) -> Application:
    application = own_application(applicant_id, application_id, uow, for_update=True)
    application.withdraw(now(), reason)
    uow.applications.save(application)
    for event in application.events:
        uow.publish(event)
    return application


def my_applications(applicant_id: str, limit: int, before: datetime | None,
                    uow: IntakeUnitOfWork) -> list[Application]:
    phones = uow.applicants.phones(uuid.UUID(str(applicant_id)))
    return uow.applications.of_applicant(uuid.UUID(str(applicant_id)), phones, limit, before)


def application_detail(applicant_id: str, application_id: str, uow: IntakeUnitOfWork) -> dict:
    application = own_application(applicant_id, application_id, uow)
    rules = _rules_on(now().date(), uow)
    materials = uow.materials.of(application.id)
    kinds = {m["kind"] for m in materials}
    return {
        "application": application,
        "materials": materials,
        "required_materials": [{"kind": k, "label": MATERIAL_KINDS[k], "provided": k in kinds}
                               for k in eligibility.required_materials(
                                   rules, application.record_type)],
        "signing": signing_state(application, uow),
        "timeline": uow.applications.timeline(application.id),
        "editable": application.status in ("draft", "returned"),
        "open": application.status in OPEN,
        "facts_and_reasons_required": eligibility.facts_required(rules, application.record_type),
    }


# -- the officer side's view (workflow has checked the officer's scope) ------------------------

def application_for_officer(application_id: str, uow: IntakeUnitOfWork) -> dict:
    application = get_application(application_id, uow)
    rules = _rules_on(now().date(), uow)
    materials = uow.materials.of(application.id)
    kinds = {m["kind"] for m in materials}
    # judged as at submission: the rule version in force that day
    day = (application.submitted_at or now()).date()
    judged_by = _rules_on(day, uow)
    answers = [eligibility.assess(r, (application.subject or {}).get("kind", ""), judged_by,
                                  day).as_dict() for r in application.records]
    return {
        "application": application, "materials": materials, "eligibility": answers,
        "required_materials": [{"kind": k, "label": MATERIAL_KINDS[k], "provided": k in kinds}
                               for k in eligibility.required_materials(
                                   rules, application.record_type)],
        "signing": signing_state(application, uow),
        "timeline": uow.applications.timeline(application.id),
        "editable": False,
        "facts_and_reasons_required": eligibility.facts_required(rules, application.record_type),
    }


def recheck_for_decision(application_id: str, records: list[dict],
                         uow: IntakeUnitOfWork) -> list[dict]:
    """Before the decision: the application's records against the subject's records as the
    registry shows them now (a new listing, a later penalty of the same kind), under the
    rule version it was judged by. Conflict naming the first record no longer eligible."""
    application = get_application(application_id, uow)
    judged_by = _rules_on((application.submitted_at or now()).date(), uow)
    current = {str(r["id"]): r for r in records}
    for held in application.records:
        record = current.get(str(held["id"]), held)
        answer = eligibility.recheck(record, judged_by, records)
        if answer is not None:
            raise Conflict("RECORD_NO_LONGER_ELIGIBLE",
                           f"提交申请后情况发生变化，不能准予修复：{answer.reason}",
                           {"record_id": answer.record_id, "reason_code": answer.reason_code,
                            "reason": answer.reason, "rule_version": answer.rule_version,
                            "article": answer.article})
    return [{"record_id": str(r["id"]), "eligible": True} for r in application.records]


def material_for_officer(application_id: str, material_id: str, store: FileStore,
                         uow: IntakeUnitOfWork) -> tuple[dict, bytes]:
    application = get_application(application_id, uow)
    material = uow.materials.get(application.id, material_id)
    if material is None:
        raise NotFound("MATERIAL_NOT_FOUND", "未找到该材料")
    return material, store.get(material["sha256"])
