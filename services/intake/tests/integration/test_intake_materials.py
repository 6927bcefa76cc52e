"""Upload quotas against the real database: the per-applicant count spans the applicant's open
applications only, and uploads racing for the last place let exactly one through."""

from __future__ import annotations

import base64
import concurrent.futures
import random
import uuid
from datetime import date

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from credit_common.nameko_ext.service import process_settings
from credit_common.testing import payloads
from credit_common.testing.files import minimal_pdf, minimal_png
from intake import service as intake_service
from intake.service import IntakeService

PDF = base64.b64encode(minimal_pdf()).decode()


@pytest.fixture
def intake(container_factory, nameko_config, clean_queues, monkeypatch):
    # small quotas, read when the container's first worker reads the settings
    monkeypatch.setenv("MAX_MATERIALS_PER_APPLICATION", "3")
    monkeypatch.setenv("MAX_MATERIALS_PER_APPLICANT", "5")
    process_settings.cache_clear()
    intake_service._login_policy_and_files.cache_clear()
    container = container_factory(IntakeService, nameko_config)
    container.start()
    try:
        with ClusterRpcProxy(nameko_config) as proxy:
            yield proxy.intake
    finally:
        process_settings.cache_clear()
        intake_service._login_policy_and_files.cache_clear()


def code_of(remote_error) -> str:
    return remote_error.value.split(":", 1)[0]


def new_applicant(intake) -> str:
    number = "137" + f"{random.randrange(10**8):08d}"
    applicant = intake.log_in(number, intake.request_login_code(number)["code"])["applicant_id"]
    intake.acknowledge_guide(applicant, "abnormal_operation_list", 1)
    return applicant


def new_draft(intake, applicant) -> dict:
    code = "91440106MA5" + uuid.uuid4().hex[:6].upper()
    intake.bind_subject(applicant, payloads.subject_snapshot(
        code=code, uscc=code, name="广州配额测试有限公司", address="广州市"), "manual", 1)
    record = payloads.registry_record(
        record_type="abnormal_operation_list", listing_reason="annual_report_overdue",
        listing_date=date(2026, 1, 5).isoformat(), district_code="440106",
        listing_unit_code="44010601")
    return intake.create_draft(applicant, code, "abnormal_operation_list", [record["id"]],
                               {}, [record])


def refused(call) -> str:
    with pytest.raises(RemoteError) as raised:
        call()
    return code_of(raised.value)


def test_quotas_per_application_and_across_the_applicants_open_applications(intake):
    applicant = new_applicant(intake)
    first, second = new_draft(intake, applicant), new_draft(intake, applicant)
    for _ in range(3):
        intake.add_material(applicant, first["id"], "other", "a.pdf", PDF)
    assert refused(lambda: intake.add_material(applicant, first["id"], "other", "a.pdf",
                                               PDF)) == "TOO_MANY_MATERIALS"
    intake.add_material(applicant, second["id"], "other", "b.png",
                        base64.b64encode(minimal_png()).decode())
    intake.add_material(applicant, second["id"], "other", "b.pdf", PDF)
    # five across both drafts: a third draft cannot take a sixth
    third = new_draft(intake, applicant)
    assert refused(lambda: intake.add_material(applicant, third["id"], "other", "c.pdf",
                                               PDF)) == "MATERIAL_QUOTA_EXCEEDED"
    # another applicant is not counted with this one
    other = new_applicant(intake)
    intake.add_material(other, new_draft(intake, other)["id"], "other", "d.pdf", PDF)
    # a withdrawn application is no longer open: its materials stop counting
    intake.withdraw(applicant, first["id"])
    intake.add_material(applicant, third["id"], "other", "c.pdf", PDF)
    assert len(intake.application_detail(applicant, third["id"])["materials"]) == 1


def test_uploads_racing_for_the_last_place_let_exactly_one_through(intake, nameko_config):
    applicant = new_applicant(intake)
    draft = new_draft(intake, applicant)
    intake.add_material(applicant, draft["id"], "other", "a.pdf", PDF)
    intake.add_material(applicant, draft["id"], "other", "a.pdf", PDF)

    def upload(_):
        with ClusterRpcProxy(nameko_config) as proxy:
            try:
                return proxy.intake.add_material(applicant, draft["id"], "other", "x.pdf",
                                                 PDF)["kind"]
            except RemoteError as exc:
                return code_of(exc)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(upload, range(4)))
    assert outcomes == ["TOO_MANY_MATERIALS"] * 3 + ["other"], outcomes
