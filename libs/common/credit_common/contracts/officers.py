"""Officer shapes other services read, owned by workflow (which keeps the officers)."""

from __future__ import annotations

import uuid

from credit_common.contracts.base import Contract
from credit_common.contracts.vocabulary import OfficerRole


class ActingOfficer(Contract):
    """Who acts, from ``workflow.me``'s answer, for a service that checks an officer's unit
    and roles itself (disclosure, withdrawing a penalty)."""

    id: uuid.UUID
    name: str
    unit_code: str
    roles: list[OfficerRole]
    active: bool = True


class AdministratorScope(Contract):
    """``workflow.administrator``: an active administrator and the scope they act in, for a
    service's own administrator operations. ``None`` on an axis: no limit on it."""

    id: uuid.UUID
    unit_code: str
    roles: list[OfficerRole]
    #: the units whose officers and subjects they manage
    units: list[str] | None
    #: the districts whose officers and subjects they manage
    districts: list[str] | None
