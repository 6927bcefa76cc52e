"""Routers that look only at paths under their own prefix and write answers to JSON with
pydantic-core, since FastAPI's own matching and encoding cost more than the services' work
(bench/README.md, "The gateway's routers")."""

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
