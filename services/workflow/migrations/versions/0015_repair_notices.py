"""repair notices (两书同达): the 信用修复告知书 issued with an own penalty belongs to no case but
to the penalty record it was issued with, one per record

Revision ID: 0015
"""
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    ALTER TABLE documents ADD COLUMN record_id UUID,
                          DROP CONSTRAINT documents_of_a_case_or_a_removal,
                          ADD CONSTRAINT documents_of_a_case_a_removal_or_a_record
                              CHECK (case_id IS NOT NULL OR listing_removal_id IS NOT NULL
                                     OR record_id IS NOT NULL);
    CREATE UNIQUE INDEX documents_repair_notice_of_record ON documents (record_id)
        WHERE kind = 'repair_notice';
    """)


def downgrade() -> None:
    op.execute("""
    DELETE FROM documents WHERE record_id IS NOT NULL;
    DROP INDEX IF EXISTS documents_repair_notice_of_record;
    ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_of_a_case_a_removal_or_a_record,
                          DROP COLUMN IF EXISTS record_id,
                          ADD CONSTRAINT documents_of_a_case_or_a_removal
                              CHECK (case_id IS NOT NULL OR listing_removal_id IS NOT NULL);
    """)
