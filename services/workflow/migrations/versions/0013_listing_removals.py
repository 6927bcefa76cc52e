"""listing removals: a cured abnormal listing waiting for its removal (the rule decides at
once, or an officer of the listing unit by one click), and its decision document, which
belongs to no case

Revision ID: 0013
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE listing_removals (
        id                      UUID PRIMARY KEY,
        record_id               UUID NOT NULL UNIQUE,
        record_type             TEXT NOT NULL,
        listing_reason          TEXT NOT NULL,
        listing_date            DATE,
        listing_unit_code       TEXT NOT NULL,
        listing_document_number TEXT,
        district_code           TEXT NOT NULL,
        subject_code            TEXT NOT NULL,
        subject_name            TEXT NOT NULL,
        cure                    JSONB NOT NULL,
        removal                 TEXT NOT NULL,
        status                  TEXT NOT NULL CHECK (status IN ('pending', 'removed')),
        cured_at                TIMESTAMPTZ NOT NULL,
        decided_at              TIMESTAMPTZ,
        decided_by              UUID,
        decided_by_name         TEXT,
        document_number         TEXT,
        version                 INTEGER NOT NULL DEFAULT 1,
        created_at              TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX listing_removals_unit ON listing_removals (listing_unit_code, status, cured_at);
    CREATE INDEX listing_removals_district ON listing_removals (district_code, status, cured_at);

    ALTER TABLE documents ALTER COLUMN case_id DROP NOT NULL,
                          ALTER COLUMN application_id DROP NOT NULL,
                          ADD COLUMN listing_removal_id UUID REFERENCES listing_removals (id),
                          ADD CONSTRAINT documents_of_a_case_or_a_removal
                              CHECK (case_id IS NOT NULL OR listing_removal_id IS NOT NULL);
    CREATE INDEX documents_listing_removal ON documents (listing_removal_id);
    """)


def downgrade() -> None:
    op.execute("""
    DELETE FROM documents WHERE case_id IS NULL;
    DROP INDEX IF EXISTS documents_listing_removal;
    ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_of_a_case_or_a_removal,
                          DROP COLUMN IF EXISTS listing_removal_id,
                          ALTER COLUMN case_id SET NOT NULL,
                          ALTER COLUMN application_id SET NOT NULL;
    DROP TABLE IF EXISTS listing_removals;
    """)
