"""The versions of the publicity terms: listed, and a new one added for a future date once it
passes the schema (``disclosure.domain.rules.PublicityTerms``); nothing invalid is stored."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError

from credit_common.clock import now
from credit_common.errors import ValidationFailed
from credit_common.validation import describe, field_errors

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.rules import PublicityTerms


def term_versions(uow: DisclosureUnitOfWork) -> list[dict]:
    return uow.terms.listing()


def add_term_version(version: str, effective_from: date, source: str, terms: dict,
                     created_by: str | None, uow: DisclosureUnitOfWork) -> dict:
    if effective_from <= now().date():
        raise ValidationFailed("EFFECTIVE_DATE_NOT_IN_FUTURE",
                               "新版本的生效日期必须晚于今天（已生效的公示期限不可追溯修改）",
                               {"field": "effective_from"})
    try:
        checked = PublicityTerms.model_validate(terms)
    except ValidationError as exc:
        errors = field_errors(exc, "terms")
        raise ValidationFailed("INVALID_RULES", "公示期限不符合要求：" + describe(errors, 300),
                               {"errors": errors}) from None
    uow.terms.add(version, effective_from, source, checked.model_dump(mode="json"), created_by)
    return {"version": version, "effective_from": effective_from.isoformat(), "source": source}
