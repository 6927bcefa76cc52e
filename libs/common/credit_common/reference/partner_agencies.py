"""The partner agencies of the inter-agency bus: agency code <-> RabbitMQ user, in one place
(``partner_agencies.json``; ``PARTNER_AGENCIES_FILE`` names another file of the same shape).

A partner publishes as its own broker user with the AMQP ``user_id`` property set, which
RabbitMQ checks against the login; the inbound consumer accepts a message only when its
``source_agency`` is the agency of that user. An entry's ``publishes`` lists the routing keys
that partner may publish (its broker user's topic permission; by default its own records
and their withdrawals): a filing that can take a subject off an abnormal list is believed
only from the system the subject files in.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
from dataclasses import dataclass
from functools import lru_cache

from credit_common.contracts.interagency import (AGENCY_CODE, INBOUND_ROUTING_KEYS,
                                                 RECORD_ROUTING_KEYS)

SHIPPED = pathlib.Path(__file__).with_name("partner_agencies.json")


@dataclass(frozen=True)
class PartnerAgency:
    agency: str
    broker_user: str
    name: str
    #: the inter-agency routing keys it may publish
    routing_keys: tuple[str, ...] = RECORD_ROUTING_KEYS


@lru_cache
def _load(path: str) -> tuple[PartnerAgency, ...]:
    entries = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))["agencies"]
    partners = tuple(PartnerAgency(e["agency"], e["broker_user"], e["name"],
                                   tuple(e.get("publishes", RECORD_ROUTING_KEYS)))
                     for e in entries)
    for field in ("agency", "broker_user"):
        values = [getattr(p, field) for p in partners]
        if len(set(values)) != len(values):
            raise ValueError(f"{path}: {field} must be unique")
    bad = [p.agency for p in partners if not re.match(AGENCY_CODE, p.agency)]
    if bad:
        raise ValueError(f"{path}: not an agency code: {bad}")
    unknown = {k for p in partners for k in p.routing_keys} - set(INBOUND_ROUTING_KEYS)
    if unknown or not all(p.routing_keys for p in partners):
        raise ValueError(f"{path}: publishes must name inbound routing keys only: "
                         f"{sorted(unknown)}")
    return partners


def partner_agencies(path: str | None = None) -> tuple[PartnerAgency, ...]:
    return _load(str(path or os.environ.get("PARTNER_AGENCIES_FILE") or SHIPPED))


def agency_of_user(broker_user: str, path: str | None = None) -> PartnerAgency | None:
    return next((p for p in partner_agencies(path) if p.broker_user == broker_user), None)


def partner_of_agency(agency: str, path: str | None = None) -> PartnerAgency:
    found = next((p for p in partner_agencies(path) if p.agency == agency), None)
    if found is None:
        raise LookupError(f"{agency} is not a partner agency (credit_common/reference/"
                          "partner_agencies.json)")
    return found
