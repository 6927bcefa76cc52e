"""the legal clock pauses while the applicant corrects (退回补正): when a case was returned, the
decision working days it kept, the working days it has spent returned and how often

Cases waiting for correction now are paused since their last return (the days they keep are
counted from their decision due date when they come back). Cases already resubmitted and
waiting for acceptance again lose their old decision due date, so their acceptance starts the
decision period afresh, as it did before, instead of finding it long passed. The length of
pauses that ended before this revision is not known: they are not counted.

Revision ID: 0011
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    ALTER TABLE cases
        ADD COLUMN paused_since              TIMESTAMPTZ,
        ADD COLUMN paused_working_days_left  INTEGER,
        ADD COLUMN paused_working_days_total INTEGER NOT NULL DEFAULT 0,
        ADD COLUMN pause_count               INTEGER NOT NULL DEFAULT 0;
    UPDATE cases SET pause_count = 1, paused_since = coalesce((
        SELECT max(occurred_at) FROM case_steps
        WHERE case_steps.case_id = cases.id AND action = 'return'), opened_at)
    WHERE status = 'returned';
    UPDATE cases SET decide_due = NULL
    WHERE status = 'pending_acceptance' AND decide_due IS NOT NULL;
    """)


def downgrade() -> None:
    op.execute("""
    ALTER TABLE cases DROP COLUMN paused_since, DROP COLUMN paused_working_days_left,
        DROP COLUMN paused_working_days_total, DROP COLUMN pause_count;
    """)
