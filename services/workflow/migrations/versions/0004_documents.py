"""official documents: numbered per unit, kind and year, with a verification code and the
SHA-256 of the issued PDF

Revision ID: 0004
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE document_sequences (
        unit_code  TEXT NOT NULL,
        kind       TEXT NOT NULL,
        year       INTEGER NOT NULL,
        last_value INTEGER NOT NULL,
        PRIMARY KEY (unit_code, kind, year)
    );
    CREATE TABLE documents (
        id                UUID PRIMARY KEY,
        case_id           UUID NOT NULL REFERENCES cases (id),
        application_id    UUID NOT NULL,
        kind              TEXT NOT NULL,
        number            TEXT NOT NULL UNIQUE,
        verification_code TEXT NOT NULL UNIQUE,
        subject_name      TEXT NOT NULL,
        subject_code      TEXT NOT NULL,
        issued_on         DATE NOT NULL,
        sha256            TEXT NOT NULL,
        pdf               BYTEA NOT NULL,
        created_at        TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX documents_case ON documents (case_id);
    CREATE INDEX documents_application ON documents (application_id);
    """)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS documents, document_sequences")
