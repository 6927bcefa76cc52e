from credit_common.migrations import run_migrations
from workflow.config import WorkflowSettings

run_migrations(WorkflowSettings())
