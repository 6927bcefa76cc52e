from credit_common.migrations import run_migrations
from disclosure.adapters.audit_tables import AUDIT_TABLES
from disclosure.config import DisclosureSettings

run_migrations(DisclosureSettings(), AUDIT_TABLES)
