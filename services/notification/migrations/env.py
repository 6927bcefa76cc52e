from credit_common.migrations import run_migrations
from notification.config import NotificationSettings

run_migrations(NotificationSettings())
