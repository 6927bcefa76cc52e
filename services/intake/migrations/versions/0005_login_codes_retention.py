"""login codes are deleted two days after issue: an index to find the old ones

Revision ID: 0005
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX login_codes_issued ON login_codes (issued_at)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS login_codes_issued")
