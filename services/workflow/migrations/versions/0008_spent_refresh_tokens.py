"""refresh tokens a rotation replaced: one used again ends its session

Revision ID: 0008
"""
from alembic import op

from credit_common.login import DROP_SPENT_REFRESH_TOKENS_DDL, SPENT_REFRESH_TOKENS_DDL

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(SPENT_REFRESH_TOKENS_DDL)


def downgrade() -> None:
    op.execute(DROP_SPENT_REFRESH_TOKENS_DDL)
