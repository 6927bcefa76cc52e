"""Applicants' login by SMS code, their sessions, and the earlier phones they prove."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from credit_common import login
from credit_common.clock import now
from credit_common.errors import NotFound
from credit_common.identity import mask_phone

from intake.adapters.unit_of_work import IntakeUnitOfWork

LOGIN_PURPOSE = "login"
PROVE_PHONE_PURPOSE = "prove_phone"


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
