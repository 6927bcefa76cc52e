from credit_common.migrations import run_migrations
from workflow.adapters.audit_tables import AUDIT_TABLES
from workflow.config import WorkflowSettings

run_migrations(WorkflowSettings(), AUDIT_TABLES)
