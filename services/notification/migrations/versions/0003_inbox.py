"""in-app inbox for officers (by person or by unit) and applicants

Revision ID: 0003
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE inbox_messages (
        id             UUID PRIMARY KEY,
        dedupe_key     TEXT NOT NULL UNIQUE,
        recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('officer', 'unit', 'applicant')),
        recipient_id   TEXT NOT NULL,
        kind           TEXT NOT NULL,
        title          TEXT NOT NULL,
        body           TEXT NOT NULL,
        link           TEXT,
        created_at     TIMESTAMPTZ NOT NULL,
        read_at        TIMESTAMPTZ
    );
    CREATE INDEX inbox_recipient ON inbox_messages (recipient_kind, recipient_id, created_at DESC);
    """)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS inbox_messages")
