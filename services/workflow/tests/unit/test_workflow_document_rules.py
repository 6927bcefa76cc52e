"""Who issues a case's documents and how they are numbered, in plain Python."""

from __future__ import annotations

from workflow.domain.documents import document_number, issuer


def test_documents_go_out_in_the_name_of_the_district_bureau():
    assert issuer("44010601").code == "440106"
    assert issuer("44010690").code == "440106"
    assert issuer("440106").code == "440106"
    assert issuer("440100").code == "440100"      # the city bureau is in no district
    assert issuer("99999999") is None and issuer(None) is None


def test_the_number_names_the_issuer_the_kind_and_the_year():
    short_name = issuer("44010601").short_name
    assert document_number(short_name, "repair_decision", 2026, 12) == "穗天市监信修〔2026〕12号"
    assert document_number(short_name, "non_acceptance_notice", 2027, 1) == \
        "穗天市监信不受〔2027〕1号"
