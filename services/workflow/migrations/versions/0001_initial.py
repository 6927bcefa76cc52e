"""cases, outbox and processed messages

Revision ID: 0001
"""
from alembic import op

from credit_common.outbox import DROP_MESSAGING_TABLES_DDL, MESSAGING_TABLES_DDL

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(MESSAGING_TABLES_DDL)
    op.execute("""
    CREATE TABLE cases (
        id                UUID PRIMARY KEY,
        application_id    UUID NOT NULL UNIQUE,
        acceptance_number TEXT NOT NULL UNIQUE,
        record_type       TEXT NOT NULL,
        subject_uscc      TEXT NOT NULL,
        subject_name      TEXT NOT NULL,
        district_code     TEXT NOT NULL,
        status            TEXT NOT NULL,
        submitted_at      TIMESTAMPTZ NOT NULL,
        opened_at         TIMESTAMPTZ NOT NULL,
        version           INTEGER NOT NULL DEFAULT 1
    );
    """)


def downgrade() -> None:
    op.execute("DROP TABLE cases;")
    op.execute(DROP_MESSAGING_TABLES_DDL)
