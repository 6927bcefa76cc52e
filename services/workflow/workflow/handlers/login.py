"""An officer's login: a code by SMS, a session, its refresh."""

from __future__ import annotations

from dataclasses import dataclass

from credit_common import login
from credit_common.clock import now

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain.model import Officer
from workflow.domain.officers import require_usable, usable
from workflow.handlers.officers import officer


def request_login_code(phone: str, requester_ip: str | None, policy: login.LoginPolicy,
                       uow: WorkflowUnitOfWork) -> tuple[str | None, int]:
    """A code only for an active officer's phone; for any other phone the answer looks the
    same and nothing is sent, so the login page does not reveal who is an officer."""
    phone = login.checked_phone(phone)
    found = uow.officers.by_phone(phone)
    code, ttl = login.issue_code(uow.session, policy, phone, "officer_login", requester_ip,
                                 now())
    if not usable(found):
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
    found = require_usable(uow.officers.by_phone(phone))
    return OfficerLogin(found, login.open_session(uow.session, policy, found.id, phone, at))


def refresh(refresh_token: str, policy: login.LoginPolicy, uow: WorkflowUnitOfWork
            ) -> OfficerLogin:
    _sid, officer_id, _phone, opened = login.refresh_session(uow.session, policy,
                                                             refresh_token, now())
    return OfficerLogin(officer(str(officer_id), uow), opened)
