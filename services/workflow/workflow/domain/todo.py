"""What an officer's todo list holds: the steps of their roles, narrowed by the filters they
pick. Plain Python."""

from __future__ import annotations

from credit_common.contracts.vocabulary import OfficerRole

from workflow.domain.model import OPEN_STATUSES, ROLE_STATUSES, RUNNING_STATUSES, Officer
from workflow.domain.officers import scope


def todo_statuses(someone: Officer) -> set[str]:
    """The steps the officer's todo list holds: those of the officer's roles; every open one
    for an administrator and for district and city officers."""
    wanted: set[str] = set()
    for role in someone.roles:
        wanted |= ROLE_STATUSES.get(role, set())
    if OfficerRole.administrator in someone.roles or scope(someone)[0] is None:
        wanted |= OPEN_STATUSES
    return wanted


def running(statuses) -> list[str]:
    """The statuses among ``statuses`` whose deadline runs (the ones that can be due soon)."""
    return sorted(set(statuses) & set(RUNNING_STATUSES))


def wanted_statuses(someone: Officer, status: str | None, due_soon: bool) -> list[str]:
    """The list's statuses, narrowed to those asked for (one status, or several separated by
    commas) and, for 即将超期, to those with a running deadline."""
    wanted = todo_statuses(someone)
    if status:
        wanted &= {s.strip() for s in str(status).split(",")}
    if due_soon:
        wanted &= set(RUNNING_STATUSES)
    return sorted(wanted)
