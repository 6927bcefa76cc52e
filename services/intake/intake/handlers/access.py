"""Finding the application a caller names, and only if they may reach it."""

from __future__ import annotations

import uuid

from credit_common.errors import NotFound

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain.access import may_access, not_accessible
from intake.domain.model import Application


def get_application(application_id: str, uow: IntakeUnitOfWork) -> Application:
    try:
        uuid.UUID(str(application_id))
    except ValueError:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到该申请") from None
    application = uow.applications.get(application_id)
    if application is None:
        raise NotFound("APPLICATION_NOT_FOUND", "未找到该申请")
    return application


def own_application(applicant_id: str, application_id: str, uow: IntakeUnitOfWork,
                    for_update: bool = False) -> Application:
    """The applicant's application (or the counter application the officer filed);
    anything else — another's, or none — is the same 403."""
    try:
        uuid.UUID(str(application_id))
    except ValueError:
        raise not_accessible() from None
    application = uow.applications.get(application_id, for_update=for_update)
    if application is None or not may_access(
            applicant_id, application, for_update,
            lambda: uow.applicants.phones(uuid.UUID(str(applicant_id)))):
        raise not_accessible()
    return application
