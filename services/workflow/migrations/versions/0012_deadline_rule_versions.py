"""deadline rule versions say where they come from, when and by whom they were added (an
administrator adds them through the gateway)

Revision ID: 0012
"""
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    ALTER TABLE deadline_rules
        ADD COLUMN source     TEXT NOT NULL DEFAULT '',
        ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        ADD COLUMN created_by UUID;
    UPDATE deadline_rules SET source = '国市监信规〔2021〕3号；其他部门行政处罚按省级实践'
    WHERE version = '2021.1' AND source = '';
    ALTER TABLE deadline_rules ALTER COLUMN source DROP DEFAULT;
    """)


def downgrade() -> None:
    op.execute("""
    ALTER TABLE deadline_rules DROP COLUMN source, DROP COLUMN created_at,
        DROP COLUMN created_by;
    """)
