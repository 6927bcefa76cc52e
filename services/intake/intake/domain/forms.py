"""The application form: which fields it keeps and when it is complete. Plain Python."""

from __future__ import annotations

from credit_common.errors import ValidationFailed
from credit_common.identity import checked_phone

from intake.domain import eligibility

FORM_FIELDS = ("contact_name", "contact_phone", "facts_and_reasons")
ALWAYS_REQUIRED = ("contact_name", "contact_phone")


def checked_form(form: dict | None, rules: eligibility.RuleVersion, record_type: str,
                 complete: bool) -> dict:
    """The known fields, trimmed, the phone checked; ``complete`` (at submission) also needs
    the contact and, where the rules ask for them, the facts and reasons."""
    form = {k: (str(v).strip() if v is not None else None) for k, v in (form or {}).items()
            if k in FORM_FIELDS}
    if form.get("contact_phone"):
        form["contact_phone"] = checked_phone(form["contact_phone"], "contact_phone")
    if complete:
        missing = [f for f in ALWAYS_REQUIRED if not form.get(f)]
        if eligibility.facts_required(rules, record_type) and not form.get("facts_and_reasons"):
            missing.append("facts_and_reasons")
        if missing:
            raise ValidationFailed("FORM_INCOMPLETE", "请填写联系人、联系电话" + (
                "和事实与理由" if "facts_and_reasons" in missing else ""), {"fields": missing})
    return form
