"""Reference data every service shares by code (the organisation). Data, not rules."""
