"""officer side: officers and their logins, routing to a unit, the approval form (append-only
steps), deadlines as versioned data, calendar overrides

Revision ID: 0002
"""
import json

from alembic import op
from sqlalchemy import text

from credit_common.login import DROP_LOGIN_TABLES_DDL, LOGIN_TABLES_DDL

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: DOMAIN.md: accept (or not) within 2 working days; decide within the type's limit
BASELINE_DEADLINES = {
    "accept_working_days": 2,
    "decide_working_days": {
        "serious_illegal_list": 15, "abnormal_operation_list": 5,
        "individual_abnormal_status": 5, "cooperative_abnormal_list": 5,
        "penalty_publicity": 15, "other_department_penalty": 5,
    },
    "remind_working_days_before": 1,
}

UPGRADE = """
CREATE TABLE officers (
    id         UUID PRIMARY KEY,
    phone      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    unit_code  TEXT NOT NULL,
    roles      TEXT[] NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX officers_unit ON officers (unit_code);

ALTER TABLE cases
    ADD COLUMN unit_code         TEXT,
    ADD COLUMN record_ids        JSONB NOT NULL DEFAULT '[]',
    ADD COLUMN handler_id        UUID,
    ADD COLUMN first_reviewer_id UUID,
    ADD COLUMN accept_due        DATE,
    ADD COLUMN decide_due        DATE,
    ADD COLUMN accepted_at       TIMESTAMPTZ,
    ADD COLUMN decided_at        TIMESTAMPTZ,
    ADD COLUMN closed_at         TIMESTAMPTZ,
    ADD COLUMN reminded_on       DATE,
    ADD COLUMN escalated_on      DATE;
UPDATE cases SET unit_code = district_code || '90' WHERE unit_code IS NULL;
-- the todo list: a unit's open cases by due date
CREATE INDEX cases_todo ON cases (unit_code, status, (coalesce(decide_due, accept_due)), id);
CREATE INDEX cases_district_status ON cases (district_code, status);
CREATE INDEX cases_subject_name_trgm ON cases USING gin (subject_name gin_trgm_ops);

CREATE TABLE case_steps (
    id               BIGSERIAL PRIMARY KEY,
    case_id          UUID NOT NULL REFERENCES cases (id),
    action           TEXT NOT NULL,
    from_status      TEXT NOT NULL,
    to_status        TEXT NOT NULL,
    officer_id       UUID,
    officer_name     TEXT NOT NULL,
    unit_code        TEXT NOT NULL,
    target_unit_code TEXT,
    opinion          TEXT,
    request_id       TEXT,
    occurred_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_steps_case ON case_steps (case_id, id);
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_steps is an append-only audit log';
END $$;
CREATE TRIGGER case_steps_append_only BEFORE UPDATE OR DELETE ON case_steps
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER case_steps_no_truncate BEFORE TRUNCATE ON case_steps
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

CREATE TABLE deadline_rules (
    version        TEXT PRIMARY KEY,
    effective_from DATE NOT NULL UNIQUE,
    rules          JSONB NOT NULL
);
CREATE TABLE calendar_overrides (
    day        DATE PRIMARY KEY,
    is_working BOOLEAN NOT NULL,
    note       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(LOGIN_TABLES_DDL)
    op.execute(UPGRADE)
    op.get_bind().execute(text(
        "INSERT INTO deadline_rules (version, effective_from, rules) VALUES "
        "('2021.1', '2021-07-30', CAST(:r AS jsonb))"), {"r": json.dumps(BASELINE_DEADLINES)})


def downgrade() -> None:
    op.execute("""
    DROP TABLE IF EXISTS calendar_overrides, deadline_rules, case_steps, officers;
    DROP FUNCTION IF EXISTS refuse_audit_change();
    DROP INDEX IF EXISTS cases_todo, cases_district_status, cases_subject_name_trgm;
    ALTER TABLE cases DROP COLUMN IF EXISTS unit_code, DROP COLUMN IF EXISTS record_ids,
        DROP COLUMN IF EXISTS handler_id, DROP COLUMN IF EXISTS first_reviewer_id,
        DROP COLUMN IF EXISTS accept_due, DROP COLUMN IF EXISTS decide_due,
        DROP COLUMN IF EXISTS accepted_at, DROP COLUMN IF EXISTS decided_at,
        DROP COLUMN IF EXISTS closed_at, DROP COLUMN IF EXISTS reminded_on,
        DROP COLUMN IF EXISTS escalated_on;
    """)
    op.execute(DROP_LOGIN_TABLES_DDL)
