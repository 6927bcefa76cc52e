"""login codes are deleted two days after issue: an index to find the old ones

Revision ID: 0005
"""
from alembic import op

from credit_common.login import (DROP_LOGIN_CODES_RETENTION_INDEX_DDL,
                                 LOGIN_CODES_RETENTION_INDEX_DDL)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(LOGIN_CODES_RETENTION_INDEX_DDL)


def downgrade() -> None:
    op.execute(DROP_LOGIN_CODES_RETENTION_INDEX_DDL)
