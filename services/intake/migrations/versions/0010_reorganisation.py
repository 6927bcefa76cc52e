"""temporary repair during a bankruptcy reorganisation: its rules as versioned data (the
baseline here), and what an application keeps of the reorganisation (rulings, administrator,
expiry)

Revision ID: 0010
"""
import json

from alembic import op
from sqlalchemy import text

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The records a reorganisation may hide, and for how long. The term: the plan is due within
#: six months of the ruling accepting the reorganisation, and the court may extend that by
#: three (《企业破产法》第七十九条), so nine months from the ruling. Serious-list entries only
#: where the subject was listed for an abnormal listing left unresolved (the reorganisation
#: is how it is resolved); an entry for a serious violation itself is not hidden. Penalties the
#: publicity rules never let end early (《市场监督管理行政处罚信息公示规定》第十四条) are not
#: hidden either, nor other departments' penalties, which are theirs to repair.
BASELINE_RULES = {
    "record_types": ["abnormal_operation_list", "individual_abnormal_status",
                     "cooperative_abnormal_list", "serious_illegal_list", "penalty_publicity"],
    "listing_reasons": {"serious_illegal_list": ["abnormal_three_years"]},
    "excluded_penalty_kinds": ["suspension", "production_restriction", "employment_restriction",
                               "licence_demotion", "licence_revocation",
                               "business_licence_revocation"],
    "term_months": 9,
    "materials": ["reorganisation_ruling", "administrator_appointment", "commitment"],
    "article": "《中华人民共和国企业破产法》第七十一条、第七十九条；"
               "《市场监督管理行政处罚信息公示规定》第十四条",
}


def upgrade() -> None:
    op.execute("""
CREATE TABLE reorganisation_rules (
    version        TEXT PRIMARY KEY,
    effective_from DATE NOT NULL UNIQUE,
    source         TEXT NOT NULL,
    rules          JSONB NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by     TEXT
);
ALTER TABLE applications ADD COLUMN reorganisation JSONB;
""")
    op.get_bind().execute(text(
        "INSERT INTO reorganisation_rules (version, effective_from, source, rules, created_by) "
        "VALUES ('2021.1-reorganisation', '2021-07-30', :source, CAST(:rules AS jsonb), "
        "'migration')"),
        {"source": "《中华人民共和国企业破产法》及破产重整企业信用修复的实践（基线）",
         "rules": json.dumps(BASELINE_RULES, ensure_ascii=False)})


def downgrade() -> None:
    op.execute("""
ALTER TABLE applications DROP COLUMN IF EXISTS reorganisation;
DROP TABLE IF EXISTS reorganisation_rules;
""")
