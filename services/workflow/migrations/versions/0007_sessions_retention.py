"""sessions are deleted a month after they expire: an index to find the old ones

Revision ID: 0007
"""
from alembic import op

from credit_common.login import DROP_SESSIONS_RETENTION_INDEX_DDL, SESSIONS_RETENTION_INDEX_DDL

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(SESSIONS_RETENTION_INDEX_DDL)


def downgrade() -> None:
    op.execute(DROP_SESSIONS_RETENTION_INDEX_DDL)
