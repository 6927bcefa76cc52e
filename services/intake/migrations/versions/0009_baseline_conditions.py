"""the 2021 baseline's conditions that the shipped rules left out: a penalty is repaired only
while the subject is on no abnormal or serious list, with no penalty of the same kind since
and its obligations fulfilled (proof uploaded where the registry does not know); a
serious-list entry only with no new listing since and its obligations fulfilled. The text
these rules cite (国市监信规〔2021〕3号; SAMR order 44) already said so, as the guides do.

Revision ID: 0009
"""
import json

from alembic import op
from sqlalchemy import text

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BASELINE = "2021.1"
LISTS = ["abnormal_operation_list", "individual_abnormal_status", "cooperative_abnormal_list",
         "serious_illegal_list"]
#: record type -> the keys added to its rule (``intake.domain.subject_conditions``)
CONDITIONS = {
    "penalty_publicity": {"not_listed_now": LISTS, "no_same_kind_penalty_since": True,
                          "obligations_fulfilled": "proof_when_unknown"},
    "serious_illegal_list": {"no_new_listing_since": True,
                             "obligations_fulfilled": "proof_when_unknown"},
}


def _change(add: bool) -> None:
    bind = op.get_bind()
    row = bind.execute(text("SELECT rules FROM rule_versions WHERE version = :v"),
                       {"v": BASELINE}).first()
    if row is None:
        return
    rules = row.rules
    for record_type, keys in CONDITIONS.items():
        rule = rules["record_types"][record_type]
        for key, value in keys.items():
            if add:
                rule[key] = value
            else:
                rule.pop(key, None)
    bind.execute(text("UPDATE rule_versions SET rules = CAST(:r AS jsonb) WHERE version = :v"),
                 {"r": json.dumps(rules, ensure_ascii=False), "v": BASELINE})


def upgrade() -> None:
    _change(add=True)


def downgrade() -> None:
    _change(add=False)
