"""manual identity checks: one append-only row per attempt (audit and attempt limit)

Revision ID: 0005
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE TABLE identity_checks (
    id bigserial PRIMARY KEY,
    checked_at timestamptz NOT NULL,
    applicant_id text NOT NULL,
    subject_code text NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('matched', 'mismatch', 'locked'))
);
CREATE INDEX identity_checks_applicant ON identity_checks (applicant_id, checked_at);
CREATE INDEX identity_checks_subject ON identity_checks (subject_code, checked_at);
CREATE FUNCTION identity_checks_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'identity_checks is append-only';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER identity_checks_append_only BEFORE UPDATE OR DELETE ON identity_checks
    FOR EACH ROW EXECUTE FUNCTION identity_checks_append_only();
CREATE TRIGGER identity_checks_no_truncate BEFORE TRUNCATE ON identity_checks
    FOR EACH STATEMENT EXECUTE FUNCTION identity_checks_append_only();
""")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS identity_checks")
    op.execute("DROP FUNCTION IF EXISTS identity_checks_append_only()")
