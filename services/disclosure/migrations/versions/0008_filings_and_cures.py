"""filings other agencies announce (late annual reports, published or corrected information)
and the listings they cured (可移出): both append-only

Revision ID: 0008
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE TABLE filings (
    message_id uuid PRIMARY KEY,
    source_agency text NOT NULL,
    subject_id uuid NOT NULL REFERENCES subjects (id),
    kind text NOT NULL,
    filed_on date NOT NULL,
    report_year integer,
    items jsonb NOT NULL DEFAULT '[]',
    reference text,
    -- the listings it cured when it arrived; one arriving later is matched by the sweep
    listings_matched integer NOT NULL,
    received_at timestamptz NOT NULL
);
CREATE INDEX filings_subject ON filings (subject_id, filed_on);
CREATE INDEX filings_received ON filings (received_at);

CREATE TABLE listing_cures (
    record_id uuid PRIMARY KEY REFERENCES records (id),
    -- the filing's row, written in the same transaction (no foreign key: a referenced
    -- table's TRUNCATE fails on the key before its append-only trigger could refuse it)
    filing_message_id uuid NOT NULL,
    rule_version text NOT NULL,
    removal text NOT NULL CHECK (removal IN ('immediate', 'officer_confirmation')),
    cured_at timestamptz NOT NULL
);
CREATE INDEX listing_cures_filing ON listing_cures (filing_message_id);

CREATE TRIGGER filings_append_only BEFORE UPDATE OR DELETE ON filings
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER filings_no_truncate BEFORE TRUNCATE ON filings
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
ALTER TABLE filings ENABLE ALWAYS TRIGGER filings_append_only;
ALTER TABLE filings ENABLE ALWAYS TRIGGER filings_no_truncate;
CREATE TRIGGER listing_cures_append_only BEFORE UPDATE OR DELETE ON listing_cures
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER listing_cures_no_truncate BEFORE TRUNCATE ON listing_cures
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
ALTER TABLE listing_cures ENABLE ALWAYS TRIGGER listing_cures_append_only;
ALTER TABLE listing_cures ENABLE ALWAYS TRIGGER listing_cures_no_truncate;
""")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS listing_cures")
    op.execute("DROP TABLE IF EXISTS filings")
