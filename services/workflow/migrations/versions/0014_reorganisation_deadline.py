"""the decision deadline of a bankruptcy reorganisation's temporary repair, in every deadline
rule version (a new application type: no earlier answer changes)

Revision ID: 0014
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # decided by the district's credit section like a serious-list or penalty repair
    op.execute("""
UPDATE deadline_rules SET rules = jsonb_set(rules, '{decide_working_days,bankruptcy_reorganisation}',
                                            '15')
WHERE NOT rules->'decide_working_days' ? 'bankruptcy_reorganisation'""")


def downgrade() -> None:
    op.execute("""
UPDATE deadline_rules SET rules = rules #- '{decide_working_days,bankruptcy_reorganisation}'""")
