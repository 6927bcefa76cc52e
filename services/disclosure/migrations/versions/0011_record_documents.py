"""record documents: the official documents issued with a record and shown on the public
record (the 信用修复告知书 of an own penalty), one of each kind per record

Revision ID: 0011
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE TABLE record_documents (
    record_id uuid NOT NULL REFERENCES records (id),
    kind text NOT NULL,
    kind_label text NOT NULL,
    number text NOT NULL,
    issued_on date NOT NULL,
    verification_code text NOT NULL,
    document_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (record_id, kind)
);
""")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS record_documents")
