"""login codes are no longer stored: masked in the messages kept so far; a held message's
process and the time its code expires

Revision ID: 0005
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    ALTER TABLE sms_messages ADD COLUMN holder TEXT, ADD COLUMN expires_at TIMESTAMPTZ;
    UPDATE sms_messages SET params = params || '{"code": "******"}'::jsonb,
           body = regexp_replace(body, '[0-9]{6}', '******', 'g'),
           last_error = regexp_replace(last_error, '[0-9]{6}', '******', 'g'),
           status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END
     WHERE template IN ('login_code', 'prove_phone');
    CREATE INDEX sms_messages_login_sent ON sms_messages (created_at)
     WHERE template IN ('login_code', 'prove_phone');
    """)


def downgrade() -> None:
    op.execute("""
    DROP INDEX IF EXISTS sms_messages_login_sent;
    ALTER TABLE sms_messages DROP COLUMN IF EXISTS holder, DROP COLUMN IF EXISTS expires_at;
    """)
