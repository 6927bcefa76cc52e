from credit_common.migrations import run_migrations
from intake.adapters.audit_tables import AUDIT_TABLES
from intake.config import IntakeSettings

run_migrations(IntakeSettings(), AUDIT_TABLES)
