"""Officers: the one acting (loaded afresh on every call), and their administration."""

from __future__ import annotations

import uuid

from credit_common import login
from credit_common.clock import now
from credit_common.reference.organisation import Unit

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import officers
from workflow.domain.model import Officer


def officer(officer_id: str, uow: WorkflowUnitOfWork) -> Officer:
    return officers.require_usable(uow.officers.get(officer_id))


def administrator(officer_id: str, uow: WorkflowUnitOfWork) -> Officer:
    """The officer, if active and an administrator."""
    admin = officer(officer_id, uow)
    officers.require_admin(admin)
    return admin


def officer_name_of(officer_id, uow: WorkflowUnitOfWork) -> str | None:
    found = uow.officers.get(officer_id) if officer_id else None
    return found.name if found else None


def add_officer(admin: Officer, phone: str, name: str, unit_code: str, roles: list[str],
                uow: WorkflowUnitOfWork) -> Officer:
    officers.require_admin(admin)
    new = Officer(id=uuid.uuid4(), name=officers.checked_name(name),
                  unit_code=officers.checked_unit(unit_code).code,
                  roles=officers.checked_roles(roles), phone=login.checked_phone(phone))
    officers.require_in_scope(admin, new.unit_code)
    officers.require_role_fits_unit(new)
    uow.officers.add(new)
    return new


def change_officer(admin: Officer, officer_id: str, uow: WorkflowUnitOfWork, *,
                   name: str | None = None, unit_code: str | None = None,
                   roles: list[str] | None = None, active: bool | None = None) -> Officer:
    officers.require_admin(admin)
    found = uow.officers.get(officer_id)
    changed, powers_changed = officers.changed(admin, found, name=name, unit_code=unit_code,
                                               roles=roles, active=active)
    uow.officers.update(changed)
    if powers_changed:
        # the tokens carry unit and roles: every session of the officer ends now
        login.revoke_sessions_of(uow.session, found.id, now())
    return changed


def officers_in_scope(admin: Officer, search: str | None, limit: int, after: tuple | None,
                      uow: WorkflowUnitOfWork) -> list[Officer]:
    """The officers an administrator manages, as ``scope`` bounds the cases they see: an
    office's own, a district bureau's (or credit section's) whole district, the city's all."""
    officers.require_admin(admin)
    units, districts = officers.scope(admin)
    return uow.officers.in_scope(units, districts, (search or "").strip() or None, limit,
                                 after)


def units_in_scope(admin: Officer) -> list[Unit]:
    """The units an administrator may put an officer in (the same bounds)."""
    officers.require_admin(admin)
    return officers.units_in_scope(admin)
