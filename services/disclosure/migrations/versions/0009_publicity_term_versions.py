"""publicity terms as versioned data: how long each record type stays public, and which
filing cures which listing, by effective date (the terms that were a code tuple, with the
short term of 通报批评 and low fines and the cures of automatic repair)

Revision ID: 0009
"""
import json

from alembic import op
from sqlalchemy import text

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BASELINE_BASIS = ("《市场监督管理严重违法失信名单管理办法》第二十一条；"
                  "《市场监督管理行政处罚信息公示规定》第十四条")


ABNORMAL_LISTS = ("abnormal_operation_list", "individual_abnormal_status",
                  "cooperative_abnormal_list")


def _cures(annual_report: str, instant_info: str, corrections: str) -> list[dict]:
    """DOMAIN.md's reasons and what removes them, for each list that has the reason (an
    individual business has no instant-information or false-information reason, a
    cooperative no instant-information one)."""
    def cure(filing, record_type, reason, removal):
        return {"filing": filing, "record_type": record_type, "listing_reason": reason,
                "removal": removal}
    return [
        *(cure("annual_report", t, "annual_report_overdue", annual_report)
          for t in ABNORMAL_LISTS),
        cure("instant_info", "abnormal_operation_list", "instant_info_not_published",
             instant_info),
        *(cure(kind, "abnormal_operation_list", "false_information", corrections)
          for kind in ("annual_report_correction", "instant_info_correction")),
        cure("annual_report_correction", "cooperative_abnormal_list", "false_information",
             corrections),
    ]


#: Art.14: 通报批评 or a low fine three months, any other penalty three years; the low-fine
#: threshold is the province's (Guangdong's practice, as in eligibility)
PENALTY_TERM = {"term_years": 3, "short_term_months": 3,
                "short_term_penalty_kinds": ["warning", "circulated_criticism"],
                "low_fine_threshold": "10000.00"}


def _terms(basis: str, cures: list[dict], cure_basis: str) -> dict:
    return {
        "basis": basis,
        "record_types": {
            "serious_illegal_list": {"term_years": 3},
            "abnormal_operation_list": {"escalates_to_serious_after_years": 3},
            "individual_abnormal_status": {},
            "cooperative_abnormal_list": {},
            "penalty_publicity": PENALTY_TERM,
            "other_department_penalty": PENALTY_TERM,
        },
        "listing_cures": cures,
        "cure_basis": cure_basis,
    }


MEASURES_2025 = "《市场监督管理信用修复管理办法》（2025年12月25日施行）"

#: (version, effective from, source, terms): what the code tuple of terms said, and the cures
VERSIONS = [
    # the subject applied and the listing authority decided: every removal waits for an
    # officer of the listing unit
    ("2021-baseline", "2021-01-01", BASELINE_BASIS, _terms(
        BASELINE_BASIS,
        _cures("officer_confirmation", "officer_confirmation", "officer_confirmation"),
        "《企业信息公示暂行条例》《企业经营异常名录管理暂行办法》"
        "《个体工商户年度报告暂行办法》《农民专业合作社年度报告公示暂行办法》")),
    # The 2025 measures' text is not available here (DOMAIN.md). This version is the
    # platform's reading, to change by adding a version: a filed report or published
    # information is its own proof and the listing goes at once; a correction of false
    # information is checked by an officer of the listing unit first.
    ("2025-12-25", "2025-12-25", MEASURES_2025, _terms(
        MEASURES_2025, _cures("immediate", "immediate", "officer_confirmation"),
        MEASURES_2025 + "；《企业信息公示暂行条例》")),
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
