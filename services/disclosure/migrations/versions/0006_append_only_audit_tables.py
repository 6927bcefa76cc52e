"""audit tables append-only for everyone: record_history refuses TRUNCATE too, repair_outcomes
is guarded like it; the triggers fire in every session_replication_role (ENABLE ALWAYS)

Revision ID: 0006
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER record_history_no_truncate BEFORE TRUNCATE ON record_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
ALTER TABLE record_history ENABLE ALWAYS TRIGGER record_history_append_only;
ALTER TABLE record_history ENABLE ALWAYS TRIGGER record_history_no_truncate;

CREATE TRIGGER repair_outcomes_append_only BEFORE UPDATE OR DELETE ON repair_outcomes
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER repair_outcomes_no_truncate BEFORE TRUNCATE ON repair_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
ALTER TABLE repair_outcomes ENABLE ALWAYS TRIGGER repair_outcomes_append_only;
ALTER TABLE repair_outcomes ENABLE ALWAYS TRIGGER repair_outcomes_no_truncate;

ALTER TABLE identity_checks ENABLE ALWAYS TRIGGER identity_checks_append_only;
ALTER TABLE identity_checks ENABLE ALWAYS TRIGGER identity_checks_no_truncate;
""")


def downgrade() -> None:
    op.execute("""
ALTER TABLE identity_checks ENABLE TRIGGER identity_checks_no_truncate;
ALTER TABLE identity_checks ENABLE TRIGGER identity_checks_append_only;
DROP TRIGGER IF EXISTS repair_outcomes_no_truncate ON repair_outcomes;
DROP TRIGGER IF EXISTS repair_outcomes_append_only ON repair_outcomes;
DROP TRIGGER IF EXISTS record_history_no_truncate ON record_history;
ALTER TABLE record_history ENABLE TRIGGER record_history_append_only;
DROP FUNCTION IF EXISTS refuse_append_only_change();
""")
