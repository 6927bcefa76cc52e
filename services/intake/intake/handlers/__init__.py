"""Intake's use cases: one function each, ``(command, uow) -> result``, one module per family.
They do not know they run inside Nameko; the entrypoint commits what they staged when they
return, and the events of the applications they changed go to the outbox with that commit.
The business rules they apply live in ``intake.domain``.

Every use case is named here too, so callers write ``handlers.submit(...)``."""

from intake.handlers.access import get_application, own_application
from intake.handlers.decision_checks import recheck_for_decision
from intake.handlers.drafts import (chosen_records, create_counter_draft, create_draft,
                                    update_draft)
from intake.handlers.events import record_case_opened, record_case_status
from intake.handlers.guides import acknowledge_guide, current_guide, current_legal_notice
from intake.handlers.login import (LOGIN_PURPOSE, PROVE_PHONE_PURPOSE, LoginResult, applicant,
                                   log_in, log_out, prove_phone, refresh, request_login_code,
                                   session_active)
from intake.handlers.materials import add_material, material_content, remove_material
from intake.handlers.officer_views import application_for_officer, material_for_officer
from intake.handlers.progress import application_detail, my_applications
from intake.handlers.rules import add_rule_version, rule_versions, rules_on
from intake.handlers.signing import (seal, sign, signature_link, signature_request,
                                     signing_state)
from intake.handlers.subjects import assess_records, bind_subject, bound_subject
from intake.handlers.submission import submit, submit_application, withdraw

__all__ = [
    "LOGIN_PURPOSE", "PROVE_PHONE_PURPOSE", "LoginResult", "acknowledge_guide", "add_material",
    "add_rule_version", "applicant", "application_detail", "application_for_officer",
    "assess_records", "bind_subject", "bound_subject", "chosen_records", "create_counter_draft",
    "create_draft", "current_guide", "current_legal_notice", "get_application", "log_in", "log_out",
    "material_content", "material_for_officer", "my_applications", "own_application", "prove_phone",
    "recheck_for_decision", "record_case_opened", "record_case_status", "refresh",
    "remove_material", "request_login_code", "rule_versions", "rules_on", "seal", "session_active",
    "sign", "signature_link", "signature_request", "signing_state", "submit", "submit_application",
    "update_draft", "withdraw",
]
