"""penalties withdrawn (review, court, correction): kept so that a case about one that opens
after the news still ends as 无需修复

Revision ID: 0016
"""
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE withdrawn_penalties (
            record_id uuid PRIMARY KEY,
            note text NOT NULL,
            withdrawn_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now()
        )""")


def downgrade() -> None:
    op.execute("DROP TABLE withdrawn_penalties")
