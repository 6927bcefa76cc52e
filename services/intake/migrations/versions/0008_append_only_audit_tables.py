"""audit tables append-only for everyone: TRUNCATE refused too, and application_versions and
acknowledgements guarded like application_events; the triggers fire in every
session_replication_role (ENABLE ALWAYS)

Revision ID: 0008
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER application_events_no_truncate BEFORE TRUNCATE ON application_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_timeline_change();
ALTER TABLE application_events ENABLE ALWAYS TRIGGER application_events_append_only;
ALTER TABLE application_events ENABLE ALWAYS TRIGGER application_events_no_truncate;

CREATE TRIGGER application_versions_append_only BEFORE UPDATE OR DELETE ON application_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER application_versions_no_truncate BEFORE TRUNCATE ON application_versions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
ALTER TABLE application_versions ENABLE ALWAYS TRIGGER application_versions_append_only;
ALTER TABLE application_versions ENABLE ALWAYS TRIGGER application_versions_no_truncate;

CREATE TRIGGER acknowledgements_append_only BEFORE UPDATE OR DELETE ON acknowledgements
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER acknowledgements_no_truncate BEFORE TRUNCATE ON acknowledgements
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
ALTER TABLE acknowledgements ENABLE ALWAYS TRIGGER acknowledgements_append_only;
ALTER TABLE acknowledgements ENABLE ALWAYS TRIGGER acknowledgements_no_truncate;
""")


def downgrade() -> None:
    op.execute("""
DROP TRIGGER IF EXISTS acknowledgements_no_truncate ON acknowledgements;
DROP TRIGGER IF EXISTS acknowledgements_append_only ON acknowledgements;
DROP TRIGGER IF EXISTS application_versions_no_truncate ON application_versions;
DROP TRIGGER IF EXISTS application_versions_append_only ON application_versions;
DROP TRIGGER IF EXISTS application_events_no_truncate ON application_events;
ALTER TABLE application_events ENABLE TRIGGER application_events_append_only;
DROP FUNCTION IF EXISTS refuse_append_only_change();
""")
