"""records carry their subject's name for search: bigram GIN plus a covering id-order index

A search returns records in id order (keyset pages). With the name only on subjects, a common
term (天河, 科技有限) meant joining and sorting tens of thousands of rows before the first
page could be cut. Now a search first walks a slice of records in id order inside a covering
index (no heap visits), which answers common terms at once, and only for rarer terms asks the
bigram index for the rest. ``search_name`` (the subject's name, lower-cased) is kept by
triggers, whoever writes: RPC, bus, COPY or bulk import.

Revision ID: 0003
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UPGRADE = r"""
ALTER TABLE records ADD COLUMN search_name text;
UPDATE records r SET search_name = lower(s.name) FROM subjects s WHERE s.id = r.subject_id;
ALTER TABLE records ALTER COLUMN search_name SET NOT NULL;
-- btree_gin: district and type inside the same GIN, so "贸易 in 白云区" intersects there
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX records_name_bigrams ON records
    USING gin (cjk_bigrams(search_name), district_code, record_type);
CREATE INDEX records_search_order ON records (id) INCLUDE (
    search_name, publicity_state, record_type, listing_reason, district_code, listing_date,
    decision_date);

-- a writer that already holds the name (the bulk import) passes it and saves the lookup
CREATE FUNCTION records_take_subject_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.search_name IS NOT NULL THEN
        RETURN NEW;
    END IF;
    NEW.search_name := (SELECT lower(name) FROM subjects WHERE id = NEW.subject_id);
    RETURN NEW;
END $$;
CREATE TRIGGER records_search_name BEFORE INSERT OR UPDATE OF subject_id ON records
    FOR EACH ROW EXECUTE FUNCTION records_take_subject_name();

CREATE FUNCTION subjects_pass_name_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE records SET search_name = lower(NEW.name) WHERE subject_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER subjects_name_to_records AFTER UPDATE OF name ON subjects
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION subjects_pass_name_on();
ANALYZE records;
"""

DOWNGRADE = r"""
DROP TRIGGER IF EXISTS subjects_name_to_records ON subjects;
DROP FUNCTION IF EXISTS subjects_pass_name_on();
DROP TRIGGER IF EXISTS records_search_name ON records;
DROP FUNCTION IF EXISTS records_take_subject_name();
DROP INDEX IF EXISTS records_search_order;
DROP INDEX IF EXISTS records_name_bigrams;
ALTER TABLE records DROP COLUMN IF EXISTS search_name;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
