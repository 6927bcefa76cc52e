"""The applicant's API: login by SMS code, guides, identity, records with eligibility,
drafts, materials, signing, submission, progress and withdrawal; and the legal
representative's signing link. One module per use case; the routers here are the ones the
application includes.

The gateway composes services here (the registry's data comes from disclosure, the
application and its rules from intake, the SMS from notification); every ownership and rule
check happens in the service that owns the data."""

from __future__ import annotations

from gateway.api.routes.applicant import (applications, documents, guides, inbox, login,
                                          materials, phones, reorganisation, signing, subjects,
                                          submission)
from gateway.api.routing import PrefixRouter

router = PrefixRouter(prefix="/api/v1/applicant", tags=["申请人"])
for module in (login, phones, guides, subjects, applications, materials, signing, submission,
               documents, inbox, reorganisation):
    router.include_router(module.router)

signing_router = PrefixRouter(prefix="/api/v1/public/signatures", tags=["法定代表人签名"])
signing_router.include_router(signing.link_router)
