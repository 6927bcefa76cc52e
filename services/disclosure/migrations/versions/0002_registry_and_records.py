"""registry of subjects, public records with their history, repair outcomes, job runs

Revision ID: 0002
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UPGRADE = r"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Character bigrams of a name as lexemes: lets a GIN index answer 2-character CJK terms
-- (天河), which trigrams cannot; longer terms are ANDed bigrams rechecked with LIKE.
CREATE FUNCTION cjk_bigrams(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_to_tsvector(array_agg(DISTINCT substr(lower(t), i, 2))), ''::tsvector)
    FROM generate_series(1, greatest(char_length(t) - 1, 0)) AS i
$$;

CREATE TABLE subjects (
    id uuid PRIMARY KEY,
    uscc varchar(18) UNIQUE,
    registration_number varchar(15) UNIQUE,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    name_bigrams tsvector GENERATED ALWAYS AS (cjk_bigrams(name)) STORED,
    kind text NOT NULL,
    district_code char(6) NOT NULL,
    registration_unit_code varchar(8) NOT NULL,
    address text NOT NULL DEFAULT '',
    registration_status text NOT NULL DEFAULT 'active',
    legal_rep_name text NOT NULL DEFAULT '',
    legal_rep_document_type text NOT NULL DEFAULT 'resident_id',
    legal_rep_document_number text NOT NULL DEFAULT '',
    legal_rep_phone text NOT NULL DEFAULT '',
    liaison_phone text NOT NULL DEFAULT '',
    proof_material_mode boolean NOT NULL DEFAULT false,
    established_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (uscc IS NOT NULL OR registration_number IS NOT NULL)
);
CREATE INDEX subjects_name_trgm ON subjects USING gin (name gin_trgm_ops);
CREATE INDEX subjects_name_bigrams ON subjects USING gin (name_bigrams);
CREATE INDEX subjects_district ON subjects (district_code, id);
CREATE INDEX subjects_phones ON subjects (legal_rep_phone);

CREATE TABLE records (
    id uuid PRIMARY KEY,
    subject_id uuid NOT NULL REFERENCES subjects (id),
    record_type text NOT NULL,
    publicity_state text NOT NULL DEFAULT 'active',
    -- lists
    listing_reason text,
    listing_date date,
    listing_unit_code varchar(8),
    listing_document_number text,
    -- penalties
    decision_number text,
    decision_date date,
    publicity_start_date date,
    publicity_end_date date,
    penalty_domain text,
    penalty_kinds text[] NOT NULL DEFAULT '{}',
    fine_amount numeric(14, 2),
    severe boolean NOT NULL DEFAULT false,
    deciding_unit_code varchar(8),
    deciding_department_name text,
    obligations_fulfilled_on date,
    -- where it came from: our own units, an import, or another agency over the bus
    source_agency text NOT NULL DEFAULT 'samr-guangzhou',
    source_record_id text NOT NULL,
    source_version bigint NOT NULL DEFAULT 0,
    district_code char(6) NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_agency, source_record_id),
    CHECK (listing_date IS NOT NULL OR decision_date IS NOT NULL)
);
CREATE INDEX records_subject ON records (subject_id);
CREATE INDEX records_type_state ON records (record_type, publicity_state, listing_date);
CREATE INDEX records_district ON records (district_code, record_type, listing_date);
CREATE INDEX records_publicity_end ON records (publicity_end_date)
    WHERE publicity_state = 'active' AND publicity_end_date IS NOT NULL;

-- Append-only: every change of a record's publicity state and what caused it.
CREATE TABLE record_history (
    id bigserial PRIMARY KEY,
    record_id uuid NOT NULL REFERENCES records (id),
    from_state text,
    to_state text NOT NULL,
    cause_kind text NOT NULL,      -- created | decision | revocation | message | job | import
    cause_ref text NOT NULL,       -- decision id, message id, job run key, file line
    note text NOT NULL DEFAULT '',
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_history_record ON record_history (record_id, id);

CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'record_history is append-only';
END $$;
CREATE TRIGGER record_history_append_only BEFORE UPDATE OR DELETE ON record_history
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

-- One row per decision applied: makes the repair outcome RPC idempotent.
CREATE TABLE repair_outcomes (
    decision_id text PRIMARY KEY,
    record_id uuid NOT NULL REFERENCES records (id),
    outcome text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- A scheduled job's run for one day: exactly once however many instances run the timer.
CREATE TABLE job_runs (
    job text NOT NULL,
    run_key text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    affected integer,
    PRIMARY KEY (job, run_key)
);
"""

DOWNGRADE = r"""
DROP TABLE IF EXISTS job_runs;
DROP TABLE IF EXISTS repair_outcomes;
DROP TABLE IF EXISTS record_history;
DROP FUNCTION IF EXISTS refuse_history_change();
DROP TABLE IF EXISTS records;
DROP TABLE IF EXISTS subjects;
DROP FUNCTION IF EXISTS cjk_bigrams(text);
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
