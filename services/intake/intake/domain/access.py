"""Who may reach an application. Plain Python: no Nameko, no SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from credit_common.errors import Forbidden

from intake.domain.model import Application

#: an actor is an applicant's id, or this prefix and an officer's id for a counter application
OFFICER_ACTOR = "officer:"


def not_accessible() -> Forbidden:
    """Another's application and one that does not exist get the same answer."""
    return Forbidden("APPLICATION_NOT_ACCESSIBLE", "无权访问该申请")


def may_access(actor: str, application: Application, for_update: bool,
               proven_phones: Callable[[], Iterable[str]]) -> bool:
    """The officer reaches the counter applications they filed; an applicant reaches their
    own, and may read (never change) one filed with a contact phone they proved.
    ``proven_phones`` is asked only for an application that is not the applicant's own."""
    actor = str(actor)
    if actor.startswith(OFFICER_ACTOR):
        return str(application.counter_officer_id) == actor[len(OFFICER_ACTOR):]
    if str(application.applicant_id) == actor:
        return True
    return application.form.get("contact_phone") in proven_phones() and not for_update
