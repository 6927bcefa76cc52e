"""subjects found by the liaison's phone as well as the legal representative's ("my subjects")

Revision ID: 0004
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX subjects_liaison_phone ON subjects (liaison_phone)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS subjects_liaison_phone")
