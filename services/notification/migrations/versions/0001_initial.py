"""outbox and processed messages

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


def downgrade() -> None:
    op.execute(DROP_MESSAGING_TABLES_DDL)
