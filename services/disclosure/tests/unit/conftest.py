"""The publicity-term versions migration 0009 ships, read as the service reads its table."""

import importlib.util
import pathlib
from datetime import date

import pytest

from disclosure.domain.rules import PublicityTerms, TermsVersion

MIGRATION = pathlib.Path(__file__).resolve().parents[2] / "migrations" / "versions" / \
    "0009_publicity_term_versions.py"


def _load():
    spec = importlib.util.spec_from_file_location("terms_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VERSIONS


@pytest.fixture(scope="session")
def shipped_terms() -> list[TermsVersion]:
    return [TermsVersion(version, date.fromisoformat(day), PublicityTerms.model_validate(terms))
            for version, day, _source, terms in _load()]
