"""applications, acceptance number sequences, outbox and processed messages

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
    CREATE TABLE acceptance_sequences (
        district_code TEXT NOT NULL,
        day           DATE NOT NULL,
        last_value    INTEGER NOT NULL,
        PRIMARY KEY (district_code, day)
    );
    CREATE TABLE applications (
        id                UUID PRIMARY KEY,
        acceptance_number TEXT NOT NULL UNIQUE,
        record_type       TEXT NOT NULL,
        subject_uscc      TEXT NOT NULL,
        subject_name      TEXT NOT NULL,
        district_code     TEXT NOT NULL,
        status            TEXT NOT NULL,
        idempotency_key   TEXT UNIQUE,
        case_id           UUID,
        submitted_at      TIMESTAMPTZ NOT NULL,
        updated_at        TIMESTAMPTZ NOT NULL,
        version           INTEGER NOT NULL DEFAULT 1
    );
    """)


def downgrade() -> None:
    op.execute("DROP TABLE applications; DROP TABLE acceptance_sequences;")
    op.execute(DROP_MESSAGING_TABLES_DDL)
