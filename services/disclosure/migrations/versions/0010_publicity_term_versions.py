"""publicity terms as versioned data: how long each record type stays public, by effective
date (the terms that were a code tuple, with the short term of 通报批评 and low fines)

Revision ID: 0010
"""
import json

from alembic import op
from sqlalchemy import text

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None

BASELINE_BASIS = ("《市场监督管理严重违法失信名单管理办法》第二十一条；"
                  "《市场监督管理行政处罚信息公示规定》第十四条")


def _terms(basis: str) -> dict:
    return {
        "basis": basis,
        "record_types": {
            "serious_illegal_list": {"term_years": 3},
            "abnormal_operation_list": {"escalates_to_serious_after_years": 3},
            "individual_abnormal_status": {},
            "cooperative_abnormal_list": {},
            # Art.14: 通报批评 or a low fine three months, any other penalty three years; the
            # low-fine threshold is the province's (Guangdong's practice, as in eligibility)
            "penalty_publicity": {"term_years": 3, "short_term_months": 3,
                                  "short_term_penalty_kinds": ["warning",
                                                               "circulated_criticism"],
                                  "low_fine_threshold": "10000.00"},
            "other_department_penalty": {"term_years": 3},
        },
    }


#: (version, effective from, source, terms): what ``disclosure.domain.rules.TERMS`` said
VERSIONS = [
    ("2021-baseline", "2021-01-01", BASELINE_BASIS, _terms(BASELINE_BASIS)),
    ("2025-12-25", "2025-12-25", "《市场监督管理信用修复管理办法》（2025年12月25日施行）",
     _terms("《市场监督管理信用修复管理办法》（2025年12月25日施行）")),
]


def upgrade() -> None:
    op.execute("""
        CREATE TABLE publicity_term_versions (
            version        text PRIMARY KEY CHECK (char_length(version) BETWEEN 1 AND 40),
            effective_from date NOT NULL UNIQUE,
            source         text NOT NULL,
            terms          jsonb NOT NULL,
            created_at     timestamptz NOT NULL DEFAULT now(),
            created_by     text
        )""")
    for version, effective_from, source, terms in VERSIONS:
        op.get_bind().execute(text(
            "INSERT INTO publicity_term_versions (version, effective_from, source, terms) "
            "VALUES (:v, :e, :s, CAST(:t AS jsonb))"),
            {"v": version, "e": effective_from, "s": source,
             "t": json.dumps(terms, ensure_ascii=False)})


def downgrade() -> None:
    op.execute("DROP TABLE publicity_term_versions")
