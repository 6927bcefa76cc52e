"""disclosure's append-only tables: the application role may read and add rows, never
change, delete or truncate them (``credit_common.privileges``); triggers refuse it to
everyone."""

AUDIT_TABLES = (
    "record_history",   # every publicity change of a record and its cause
    "identity_checks",  # every manual identity check attempt
    "repair_outcomes",  # each repair decision applied to a record, once
    "filings",          # every filing another agency announced
    "listing_cures",    # each listing a filing cured (可移出), once
    "record_withdrawals",  # each penalty of ours withdrawn, with its ruling, once
)
