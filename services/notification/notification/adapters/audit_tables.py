"""notification's append-only tables: none (sent SMS are purged after their retention,
inbox messages are marked read)."""

AUDIT_TABLES: tuple[str, ...] = ()
