"""the newest step of each case whose decision was applied: an older one arriving late is
not applied over it

Revision ID: 0007
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE case_progress (
            case_id uuid PRIMARY KEY,
            case_version integer NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )""")


def downgrade() -> None:
    op.execute("DROP TABLE case_progress")
