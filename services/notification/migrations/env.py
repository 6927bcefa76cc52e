from credit_common.migrations import run_migrations
from notification.adapters.audit_tables import AUDIT_TABLES
from notification.config import NotificationSettings

run_migrations(NotificationSettings(), AUDIT_TABLES)
