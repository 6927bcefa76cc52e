"""The officer's API: login, todo list, case page with the application, actions, the per-type
record search, counter applications, statistics, inbox, the listings a filing cured (可移出)
and their one-click removal, a penalty of ours withdrawn after a review or a ruling; and the
administrator's officers, versioned rules (eligibility, reorganisation, publicity terms,
deadlines), subjects and calendar. One
module per use case; the routers here are the ones the application includes, each module's
routes added in this order (a fixed path such as ``/cases/counts`` before the
``/cases/{acceptance_number}`` it would otherwise match)."""

from __future__ import annotations

from gateway.api.routes.officer import (admin_calendar, admin_officers, admin_rule_versions,
                                        admin_subjects, cases, counter, inbox,
                                        listing_removals, login, registry, reorganisation,
                                        statistics, todo, withdrawals)
from gateway.api.routing import PrefixRouter

router = PrefixRouter(prefix="/api/v1/officer", tags=["办理人员"])
for module in (login, todo, cases, registry, counter, statistics, inbox, listing_removals,
               reorganisation, withdrawals):
    router.include_router(module.router)

admin_router = PrefixRouter(prefix="/api/v1/admin", tags=["系统管理"])
for module in (admin_officers, admin_rule_versions, admin_subjects, admin_calendar):
    admin_router.include_router(module.router)
