from credit_common.migrations import run_migrations
from disclosure.config import DisclosureSettings

run_migrations(DisclosureSettings())
