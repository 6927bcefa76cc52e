"""when a pending SMS is tried next (retries with backoff while the provider fails)

Revision ID: 0004
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    ALTER TABLE sms_messages ADD COLUMN next_attempt_at TIMESTAMPTZ;
    UPDATE sms_messages SET next_attempt_at = created_at WHERE status = 'pending';
    DROP INDEX IF EXISTS sms_messages_pending;
    CREATE INDEX sms_messages_due ON sms_messages (next_attempt_at) WHERE status = 'pending';
    """)


def downgrade() -> None:
    op.execute("""
    DROP INDEX IF EXISTS sms_messages_due;
    ALTER TABLE sms_messages DROP COLUMN IF EXISTS next_attempt_at;
    CREATE INDEX sms_messages_pending ON sms_messages (created_at) WHERE status = 'pending';
    """)
