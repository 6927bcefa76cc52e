"""The directions of import ARCHITECTURE.md sets, as import-linter contracts (pyproject.toml):
the code keeps every one, and each one breaks on an import that goes against it."""

from __future__ import annotations

import copy
import pathlib
import subprocess
import sys
import tomllib

import grimp
import pytest
from importlinter import configuration
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
configuration.configure()  # what the lint-imports command does before checking
CONTRACT_TYPES = {"forbidden": ForbiddenContract, "independence": IndependenceContract}

#: contract -> imports that go against it, each (importer, imported)
VIOLATIONS = {
    "services never import one another": [
        ("workflow.handlers", "intake.config"),
        ("disclosure.service", "notification.domain.templates")],
    "the gateway imports no service, nor eventlet or nameko": [
        ("gateway.api.routes.officer", "workflow.handlers"),
        ("gateway.rpc.client", "eventlet"),
        ("gateway.main", "nameko")],
    "a service's domain is plain Python": [
        ("intake.domain.model", "sqlalchemy"),
        ("workflow.domain.statistics", "nameko"),
        ("notification.domain.templates", "prometheus_client"),
        ("disclosure.domain.search", "fastapi"),
        ("disclosure.domain.rules", "pika"),
        ("workflow.domain.model", "workflow.adapters.repository"),
        ("intake.domain.eligibility", "intake.handlers")],
    "credit_common knows no service and not the gateway": [
        ("credit_common.relay", "notification.config"),
        ("credit_common.settings", "gateway.core.config")],
    "libs/common's tests import no service": [
        ("libs.common.tests.unit.test_common_masking", "intake.config"),
        ("libs.common.tests.integration.test_common_relay", "notification.config")],
}


def test_the_code_keeps_every_import_contract():
    lint = subprocess.run([str(pathlib.Path(sys.executable).parent / "lint-imports"),
                           "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    print(lint.stdout, lint.stderr)
    assert lint.returncode == 0, "lint-imports found a broken contract (output above)"
    assert f"Contracts: {len(CONFIG['contracts'])} kept, 0 broken." in lint.stdout


def test_every_contract_has_violations_to_break_it():
    assert sorted(VIOLATIONS) == sorted(c["name"] for c in CONFIG["contracts"])


@pytest.fixture(scope="module")
def graph():
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT))      # libs.common.tests is a namespace package here
        return grimp.build_graph(*CONFIG["root_packages"], include_external_packages=True,
                                 cache_dir=None)


@pytest.mark.parametrize("options", CONFIG["contracts"], ids=lambda c: c["name"])
def test_each_contract_breaks_on_an_import_against_it(options, graph):
    contract = CONTRACT_TYPES[options["type"]](
        name=options["name"], session_options=CONFIG, contract_options=options)
    assert contract.check(copy.deepcopy(graph), verbose=False).kept
    for importer, imported in VIOLATIONS[options["name"]]:
        assert importer in graph.modules
        broken = copy.deepcopy(graph)
        broken.add_import(importer=importer, imported=imported, line_number=1,
                          line_contents=f"import {imported}")
        assert not contract.check(broken, verbose=False).kept, (importer, imported)
