"""Routers that look only at paths under their own prefix, and answer in JSON without
walking the answer in Python.

FastAPI tries every included router in turn, and each one tries all of its routes (the one
that matches twice): a request for the last router included paid for matching every route
of the others, about 0.2 ms a request here. A path that does not start with a router's prefix
cannot match any of its routes, not even partially (a 405), so the router says so at once.

A route without a response model has its answer walked by ``jsonable_encoder``, value by
value, before it is serialised: 3.2 ms for an applicant's 20 records with their eligibility
here, where the services' answers are plain JSON already. A route declared with ``Any`` as
its response model is written by pydantic-core straight to JSON bytes (0.3 ms for the same
answer). Services send strings for times and amounts (API conventions); UUIDs, dates and enums
the gateway adds come out as jsonable_encoder wrote them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.datastructures import DefaultPlaceholder
from fastapi.utils import is_body_allowed_for_status_code
from starlette.routing import Match, get_route_path
from starlette.types import Scope


class PrefixRouter(APIRouter):
    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self.prefix and not get_route_path(scope).startswith(self.prefix):
            return Match.NONE, {}
        return super().matches(scope)

    def add_api_route(self, path: str, endpoint, **options) -> None:
        # a model given, a return annotation (FastAPI's own default) or a response class
        # of the route's own (files) keep FastAPI's behaviour
        if (isinstance(options.get("response_model"), DefaultPlaceholder)
                and "return" not in getattr(endpoint, "__annotations__", {})
                and isinstance(options.get("response_class"), (DefaultPlaceholder, type(None)))
                and is_body_allowed_for_status_code(options.get("status_code"))):
            options["response_model"] = Any
        super().add_api_route(path, endpoint, **options)
