"""counter applications: an officer files and submits an application on a subject's behalf

Revision ID: 0004
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    ALTER TABLE applications ADD COLUMN counter_officer_id UUID,
                             ADD COLUMN counter_unit_code TEXT;
    CREATE INDEX applications_counter_officer ON applications (counter_officer_id)
        WHERE counter_officer_id IS NOT NULL;
    """)


def downgrade() -> None:
    op.execute("ALTER TABLE applications DROP COLUMN IF EXISTS counter_officer_id, "
               "DROP COLUMN IF EXISTS counter_unit_code")
