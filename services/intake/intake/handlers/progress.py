"""What an applicant sees of their applications: the list, and one in detail with what it
still needs."""

from __future__ import annotations

import uuid
from datetime import datetime

from credit_common.clock import now

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import eligibility
from credit_common.contracts.vocabulary import EDITABLE_STATUSES

from intake.domain.model import OPEN, Application
from intake.domain.submission import materials_checklist
from intake.handlers import reorganisation
from intake.handlers.access import own_application
from intake.handlers.rules import rules_on
from intake.handlers.signing import signing_state


def my_applications(applicant_id: str, limit: int, before: datetime | None,
                    uow: IntakeUnitOfWork) -> list[Application]:
    phones = uow.applicants.phones(uuid.UUID(str(applicant_id)))
    return uow.applications.of_applicant(uuid.UUID(str(applicant_id)), phones, limit, before)


def application_detail(applicant_id: str, application_id: str, uow: IntakeUnitOfWork) -> dict:
    application = own_application(applicant_id, application_id, uow)
    rules = rules_on(now().date(), uow)
    materials = uow.materials.of(application.id)
    required = materials_checklist(rules, application.record_type, materials)
    if application.reorganisation is not None:
        required = reorganisation.requirements(application, uow)["required_materials"]
    return {
        "application": application,
        "materials": materials,
        "required_materials": required,
        "signing": signing_state(application, uow),
        "timeline": uow.applications.timeline(application.id),
        "editable": application.status in EDITABLE_STATUSES,
        "open": application.status in OPEN,
        "facts_and_reasons_required": eligibility.facts_required(rules, application.record_type),
    }
