"""case_steps' append-only triggers fire in every session_replication_role (ENABLE ALWAYS)

Revision ID: 0009
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
ALTER TABLE case_steps ENABLE ALWAYS TRIGGER case_steps_append_only;
ALTER TABLE case_steps ENABLE ALWAYS TRIGGER case_steps_no_truncate;
""")


def downgrade() -> None:
    op.execute("""
ALTER TABLE case_steps ENABLE TRIGGER case_steps_append_only;
ALTER TABLE case_steps ENABLE TRIGGER case_steps_no_truncate;
""")
