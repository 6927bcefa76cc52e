"""SMS messages: every text the platform sends, with its delivery state

Revision ID: 0002
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE sms_messages (
        id          UUID PRIMARY KEY,
        dedupe_key  TEXT NOT NULL UNIQUE,
        phone       TEXT NOT NULL,
        template    TEXT NOT NULL,
        params      JSONB NOT NULL,
        body        TEXT NOT NULL,
        provider    TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        created_at  TIMESTAMPTZ NOT NULL,
        sent_at     TIMESTAMPTZ,
        last_error  TEXT
    );
    CREATE INDEX sms_messages_phone ON sms_messages (phone, created_at DESC);
    CREATE INDEX sms_messages_pending ON sms_messages (created_at) WHERE status = 'pending';
    """)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS sms_messages")
