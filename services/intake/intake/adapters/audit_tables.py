"""intake's append-only tables: the application role may read and add rows, never change,
delete or truncate them (``credit_common.privileges``); triggers refuse it to everyone."""

AUDIT_TABLES = (
    "application_events",    # every status change of an application, with its actor
    "application_versions",  # the content of each submitted version
    "acknowledgements",      # the applicant read the guide and the legal notice
)
