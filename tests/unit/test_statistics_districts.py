"""The districts whose whole-year figures the end-to-end and browser statistics tests check
exactly are theirs alone: ``make test`` runs every suite on the same databases, so a case
another test opens in one of their offices is counted in their figures."""

from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEST_DIRECTORIES = ["libs/common", "services", "gateway"]
#: district -> the test that counts it, and the tests that may name it without opening cases
OWNED = {
    "440114": ("tests/e2e/test_statistics.py", set()),
    "440117": ("tests/browser/test_workbench_statistics.py",
               {"services/workflow/tests/integration/test_workflow_officers.py"}),  # officers
}


def naming(district: str) -> set[str]:
    """The test modules (this one aside) that name the district or one of its units."""
    code = re.compile(rf"\b{district}(\d\d)?\b")
    modules = {p for top in TEST_DIRECTORIES for p in (ROOT / top).rglob("tests/**/test_*.py")}
    modules |= set((ROOT / "tests").rglob("test_*.py"))
    return {str(p.relative_to(ROOT)) for p in modules
            if p != pathlib.Path(__file__).resolve() and code.search(p.read_text())}


def test_no_other_test_has_cases_in_the_statistics_tests_districts():
    for district, (owner, others) in OWNED.items():
        found = naming(district)
        assert owner in found, f"{owner} no longer names {district}: update OWNED"
        assert found - {owner} - others == set(), f"{district} is {owner}'s"
