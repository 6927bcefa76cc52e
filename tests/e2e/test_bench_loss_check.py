"""``make bench``'s loss check (``bench.load``) against the running platform: a short load of
real submissions is accounted for as nothing lost and nothing duplicated, and the same
accounting counts a case intake never heard of, an answer with no application behind it and a
case with no application. Only the counts are asserted; the bench's speed never is."""

import uuid

import uvloop
from sqlalchemy import create_engine, text

from bench import load


def test_the_loss_check_passes_a_clean_load_and_counts_what_was_lost_or_duplicated(
        platform, database_urls):
    marker = uuid.uuid4().hex[:8]
    submissions = uvloop.run(load._open_loop(platform.url, marker, rate=20, seconds=1))
    intake_url, workflow_url = database_urls["intake"], database_urls["workflow"]

    clean = load.account(intake_url, workflow_url, marker, submissions, wait_s=30)
    assert [s.error for s in submissions if s.status != 201] == []
    assert (clean["sent"], clean["answered_201"], clean["applications"], clean["cases"]) == \
        (20, 20, 20, 20)
    assert (clean["lost_total"], clean["duplicated_total"]) == (0, 0)

    intake, workflow = create_engine(intake_url), create_engine(workflow_url)
    forgotten, copied = submissions[3].application_id, submissions[7].application_id
    try:
        with intake.begin() as conn:
            conn.execute(text("UPDATE applications SET case_id = NULL WHERE id = :id"),
                         {"id": forgotten})
        with workflow.begin() as conn:
            conn.execute(text("CREATE TEMP TABLE stray ON COMMIT DROP AS "
                              "SELECT * FROM cases WHERE application_id = :id"), {"id": copied})
            conn.execute(text("UPDATE stray SET id = gen_random_uuid(), "
                              "application_id = gen_random_uuid(), "
                              "acceptance_number = acceptance_number || '-stray'"))
            conn.execute(text("INSERT INTO cases SELECT * FROM stray"))
        never_saved = load.Submission(key=f"bench-{marker}-never", sent_at=0.0,
                                      answered_ms=1.0, status=201)

        tampered = load.account(intake_url, workflow_url, marker, [*submissions, never_saved],
                                wait_s=0.5)
        assert tampered["lost"] == {"answered_without_application": 1,
                                    "application_without_case": 0,
                                    "case_unknown_to_intake": 1}
        assert tampered["duplicated"] == {"applications_per_key": 0, "cases_per_application": 0,
                                          "case_without_application": 1}
        assert (tampered["lost_total"], tampered["duplicated_total"]) == (2, 1)
    finally:
        with workflow.begin() as conn:
            conn.execute(text("DELETE FROM cases WHERE acceptance_number LIKE '%-stray'"))
        load.close_submitted_cases(workflow_url)
        intake.dispose()
        workflow.dispose()
