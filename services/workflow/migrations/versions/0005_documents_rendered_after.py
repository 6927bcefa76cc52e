"""documents are rendered after the decision's transaction: the row (number, code, what it
says) commits with the decision, the PDF and its hash follow

Revision ID: 0005
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    ALTER TABLE documents ALTER COLUMN pdf DROP NOT NULL,
                          ALTER COLUMN sha256 DROP NOT NULL,
                          ADD COLUMN content JSONB;
    CREATE INDEX documents_unrendered ON documents (created_at) WHERE pdf IS NULL;
    """)


def downgrade() -> None:
    op.execute("""
    DELETE FROM documents WHERE pdf IS NULL;
    DROP INDEX IF EXISTS documents_unrendered;
    ALTER TABLE documents DROP COLUMN IF EXISTS content,
                          ALTER COLUMN pdf SET NOT NULL, ALTER COLUMN sha256 SET NOT NULL;
    """)
