"""our own penalties withdrawn after an administrative review, a court's judgment or our own
correction: one row per record, with the ruling and its file (append-only)

Revision ID: 0012
"""
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE TABLE record_withdrawals (
    id uuid PRIMARY KEY,
    -- a record is withdrawn once; a repeat of the same ruling finds this row
    record_id uuid NOT NULL UNIQUE REFERENCES records (id),
    ruling_kind text NOT NULL
        CHECK (ruling_kind IN ('administrative_review', 'court_judgment', 'self_correction')),
    ruling_number text NOT NULL,
    ruling_date date NOT NULL,
    reason text NOT NULL,
    officer_id text NOT NULL,
    officer_name text NOT NULL,
    unit_code text NOT NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    content bytea NOT NULL,
    sha256 text NOT NULL,
    withdrawn_at timestamptz NOT NULL
);
CREATE TRIGGER record_withdrawals_append_only BEFORE UPDATE OR DELETE ON record_withdrawals
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER record_withdrawals_no_truncate BEFORE TRUNCATE ON record_withdrawals
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
ALTER TABLE record_withdrawals ENABLE ALWAYS TRIGGER record_withdrawals_append_only;
ALTER TABLE record_withdrawals ENABLE ALWAYS TRIGGER record_withdrawals_no_truncate;
""")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS record_withdrawals")
