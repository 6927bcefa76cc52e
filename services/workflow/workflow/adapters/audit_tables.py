"""workflow's append-only tables: the application role may read and add rows, never change,
delete or truncate them (``credit_common.privileges``); triggers refuse it to everyone."""

AUDIT_TABLES = (
    "case_steps",  # the approval form: every step and transfer of a case
)
