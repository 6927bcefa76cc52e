from credit_common.migrations import run_migrations
from intake.config import IntakeSettings

run_migrations(IntakeSettings())
