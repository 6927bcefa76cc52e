"""which deadline a case was last reminded of and escalated for (one notice per deadline,
however many instances run the timer)

Revision ID: 0003
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    ALTER TABLE cases RENAME COLUMN reminded_on TO reminded_for;
    ALTER TABLE cases RENAME COLUMN escalated_on TO escalated_for;
    """)


def downgrade() -> None:
    op.execute("""
    ALTER TABLE cases RENAME COLUMN reminded_for TO reminded_on;
    ALTER TABLE cases RENAME COLUMN escalated_for TO escalated_on;
    """)
