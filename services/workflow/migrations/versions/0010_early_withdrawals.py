"""withdrawals that arrive before their application's case: kept until the case opens

Revision ID: 0010
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE early_withdrawals (
            application_id uuid PRIMARY KEY,
            withdrawn_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now()
        )""")


def downgrade() -> None:
    op.execute("DROP TABLE early_withdrawals")
