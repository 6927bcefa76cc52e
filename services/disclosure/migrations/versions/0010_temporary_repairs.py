"""temporary repairs during a bankruptcy reorganisation: one row per application, its records,
its expiry and how it ended

Revision ID: 0010
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE TABLE temporary_repairs (
    application_id uuid PRIMARY KEY,
    acceptance_number text NOT NULL,
    subject_code text NOT NULL,
    record_ids uuid[] NOT NULL,
    state text NOT NULL CHECK (state IN ('temporary', 'final', 'reinstated')),
    expires_on date,
    accepting_ruling jsonb,
    ending_ruling jsonb,
    decision_id text,
    granted_at timestamptz,
    ended_at timestamptz,
    end_cause text CHECK (end_cause IN ('plan_confirmed', 'terminated', 'expired', 'revoked')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (state = 'temporary' OR end_cause IS NOT NULL),
    CHECK (state <> 'temporary' OR expires_on IS NOT NULL)
);
-- the expiry job's claim: the running ones by expiry day
CREATE INDEX temporary_repairs_due ON temporary_repairs (expires_on) WHERE state = 'temporary';
CREATE INDEX temporary_repairs_subject ON temporary_repairs (subject_code);
""")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS temporary_repairs")
