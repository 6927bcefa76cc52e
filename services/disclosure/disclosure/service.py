"""Disclosure's entrypoints: validate, call a handler, return plain JSON."""

from __future__ import annotations

import base64
import binascii

from nameko.rpc import RpcProxy

from credit_common.clock import now
from credit_common.contracts.officers import ActingOfficer
from credit_common.contracts.queries import RecordSearch
from credit_common.errors import EXPECTED, ValidationFailed
from credit_common.logging import get_logger
from credit_common.nameko_ext.administrators import require_administrator
from credit_common.nameko_ext.entrypoints import rpc, subscribe, timer
from credit_common.nameko_ext.service import ServiceBase, parse_contract, parse_date

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.config import DisclosureSettings
from disclosure.domain.identity import IdentityAttempts
from disclosure.domain.search import RecordQuery, name_terms
from disclosure.handlers import (automatic_repair, daily_jobs, identity, proof_material,
                                 publicity_terms, registry, repair_notices,
                                 repair_outcomes, temporary_repairs, withdrawals)
from disclosure.views import (cure_view, history_view, identity_check, record_view,
                              sees_personal_data, subject_records, subject_view,
                              temporary_repair_view, withdrawal_view)

log = get_logger(__name__)


def decode_base64(content_b64) -> bytes:
    try:
        return base64.b64decode(str(content_b64 or ""), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("MALFORMED_FILE", "文件内容编码不正确", {"field": "file"}) from None


class DisclosureService(ServiceBase):
    name = "disclosure"
    unit_of_work = DisclosureUnitOfWork
    settings_class = DisclosureSettings
    #: asked whether the caller of an administrator operation is one
    workflow = RpcProxy("workflow")

    @rpc(expected_exceptions=EXPECTED)
    def lookup_subject(self, code: str, viewer_unit_code: str | None = None):
        uow = self._uow(read_only=True)
        subject, records = registry.lookup_subject(str(code), uow)
        return subject_records(subject, records, sees_personal_data(viewer_unit_code, subject),
                               uow.record_documents.of_records(r.id for r in records),
                               registry.withdrawals_of(records, uow))

    @rpc(expected_exceptions=EXPECTED)
    def search_records(self, query: dict, viewer_unit_code: str | None = None):
        search = parse_contract(RecordSearch, query)
        uow = self._uow(read_only=True)
        found = registry.search_records(
            RecordQuery(**{**search.model_dump(exclude={"cursor"}), "after": search.cursor,
                           "name": name_terms(search.name)}), uow)
        shown = uow.record_documents.of_records(record.id for record, _ in found)
        withdrawals = registry.withdrawals_of([record for record, _ in found], uow)
        items = [{"record": record_view(record, shown.get(record.id, []),
                                        withdrawals.get(record.id)),
                  "subject": subject_view(subject, sees_personal_data(viewer_unit_code, subject))}
                 for record, subject in found]
        next_cursor = items[-1]["record"]["id"] if len(items) == search.limit else None
        return {"items": items, "next_cursor": next_cursor}

    @rpc(expected_exceptions=EXPECTED)
    def get_record(self, record_id: str, viewer_unit_code: str | None = None):
        uow = self._uow(read_only=True)
        record, subject, history = registry.record_with_history(str(record_id), uow)
        shown = uow.record_documents.of_records([record.id])
        withdrawal = registry.withdrawals_of([record], uow).get(record.id)
        return {"record": record_view(record, shown.get(record.id, []), withdrawal),
                # who withdrew it is for officers; the public sees the ruling in ``documents``
                "withdrawal": withdrawal_view(withdrawal) if withdrawal and viewer_unit_code
                else None,
                "subject": subject_view(subject, sees_personal_data(viewer_unit_code, subject)),
                "history": history_view(history),
                "cure": cure_view(record, uow.filings.cure_of(record.id))}

    @rpc(expected_exceptions=EXPECTED)
    def subjects_by_phone(self, phone: str):
        """The subjects a logged-in applicant may pick (their phone is the legal
        representative's or the liaison's): full data, it is theirs to auto-fill."""
        subjects = registry.subjects_by_phone(str(phone), self._uow(read_only=True))
        return [subject_view(s, full=True) for s in subjects]

    @rpc(expected_exceptions=EXPECTED)
    def verify_identity(self, applicant_id: str, subject_code: str, name: str,
                        legal_rep_name: str, document_type: str, document_number: str):
        attempts = IdentityAttempts(self.settings.identity_max_failures,
                                    self.settings.identity_lock_s)
        answer = identity.verify_identity(
            str(applicant_id), str(subject_code), str(name or ""), str(legal_rep_name or ""),
            str(document_type or ""), str(document_number or ""), attempts, self._uow())
        log.info("manual identity check", applicant_id=str(applicant_id),
                 outcome=answer["outcome"])
        return identity_check(answer)

    @rpc(expected_exceptions=EXPECTED)
    def set_proof_material_mode(self, code: str, enabled: bool, admin_id: str | None = None):
        admin = require_administrator(self.workflow, admin_id)
        subject = proof_material.set_proof_material_mode(str(code), bool(enabled), admin,
                                                         self._uow())
        return subject_view(subject, full=True)

    @rpc(expected_exceptions=EXPECTED)
    def publicity_term_versions(self, admin_id: str | None = None):
        require_administrator(self.workflow, admin_id)
        return [{**v, "effective_from": v["effective_from"].isoformat(),
                 "created_at": v["created_at"].isoformat()}
                for v in publicity_terms.term_versions(self._uow(read_only=True))]

    @rpc(expected_exceptions=EXPECTED)
    def add_publicity_term_version(self, version: str, effective_from: str, source: str,
                                   terms: dict, admin_id: str | None = None):
        admin = require_administrator(self.workflow, admin_id)
        if not isinstance(terms, dict) or not 0 < len(str(version).strip()) <= 40 \
                or not str(source).strip():
            raise ValidationFailed("INVALID_RULES",
                                   "请提供版本号（不超过 40 个字符）、依据和公示期限")
        day = parse_date(effective_from, "effective_from")
        return publicity_terms.add_term_version(str(version).strip(), day, str(source),
                                                terms, str(admin.id), self._uow())

    @rpc(expected_exceptions=EXPECTED)
    def apply_repair_outcome(self, decision_id: str, record_id: str, outcome: str):
        return repair_outcomes.apply_repair_outcome(str(decision_id), str(record_id),
                                                    str(outcome), self._uow())

    @rpc(expected_exceptions=EXPECTED)
    def withdraw_penalty(self, record_id: str, officer: dict, ruling: dict, file_name: str,
                         content_b64: str):
        """An officer withdraws a penalty of ours after a review, a court's judgment or our
        own correction (``officer``: workflow's answer about them, as the gateway read it)."""
        who = parse_contract(ActingOfficer, officer)
        ruling = ruling if isinstance(ruling, dict) else {}
        day = ruling.get("ruling_date")
        withdrawal, record, created = withdrawals.withdraw_penalty(
            who, str(record_id), ruling.get("kind"), ruling.get("number"),
            parse_date(day, "ruling_date") if day else None, ruling.get("reason"),
            str(file_name or ""), decode_base64(content_b64), self.settings.max_upload_bytes,
            self._uow())
        return {"created": created, "withdrawal": withdrawal_view(withdrawal),
                "record": record_view(record, withdrawal=withdrawal)}

    @rpc(expected_exceptions=EXPECTED)
    def withdrawal_file(self, record_id: str, viewer_unit_code: str):
        withdrawal = withdrawals.withdrawal_file(str(record_id), str(viewer_unit_code or ""),
                                                 self._uow(read_only=True))
        return {"file_name": withdrawal.file_name, "content_type": withdrawal.content_type,
                "content_b64": base64.b64encode(withdrawal.content).decode()}

    @timer(interval=lambda: DisclosureSettings().jobs_interval_s)
    def daily_jobs(self):
        results = daily_jobs.run_daily_jobs(now().date(), self._uow())
        log.info("daily jobs", **{k: v for k, v in results.items()})

    @timer(interval=lambda: DisclosureSettings().temporary_repair_check_interval_s)
    def expire_temporary_repairs(self):
        ended = temporary_repairs.expire_temporary_repairs(now().date(), self._uow())
        if ended:
            log.info("temporary repairs expired", ended=ended)

    @subscribe("intake", "reorganisation_changed")
    def on_reorganisation_changed(self, envelope):
        """A bankruptcy reorganisation's temporary repair granted, made final or ended."""
        log.info("reorganisation change", **temporary_repairs.apply_reorganisation_change(
            envelope, self._uow()))

    @rpc(expected_exceptions=EXPECTED)
    def temporary_repairs_of_subject(self, code: str):
        return [temporary_repair_view(r) for r in temporary_repairs.temporary_repairs_of_subject(
            str(code), self._uow(read_only=True))]

    @subscribe("workflow", "case_status_changed")
    def on_case_status_changed(self, envelope):
        """Approved repairs (and revoked ones) change the public records."""
        for result in repair_outcomes.apply_case_decision(envelope, self._uow()):
            log.info("repair outcome applied", **result)

    # -- automatic repair (disclosure.handlers.automatic_repair) ---------------------------

    @timer(interval=lambda: DisclosureSettings().jobs_interval_s)
    def cure_waiting_listings(self):
        """Listings that arrived after the filing that cures them."""
        cured = automatic_repair.cure_waiting_listings(now().date(),
                                                       self.settings.filing_match_days,
                                                       self._uow())
        if cured:
            log.info("listings cured by earlier filings", cured=cured)

    @subscribe("workflow", "repair_notice_issued")
    def on_repair_notice_issued(self, envelope):
        """两书同达: the 信用修复告知书 workflow issued is shown on its record."""
        if repair_notices.show_repair_notice(envelope, self._uow()):
            log.info("repair notice shown", message_id=str(envelope.message_id))

    @subscribe("workflow", "listing_removal_decided")
    def on_listing_removal_decided(self, envelope):
        """A cured listing's removal, decided by the rule or an officer, is applied."""
        result = automatic_repair.apply_listing_removal(envelope, self._uow())
        if result is not None:
            log.info("listing removal applied", **result)
