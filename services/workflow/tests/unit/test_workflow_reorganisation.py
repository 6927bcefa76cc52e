"""A bankruptcy reorganisation's case on the officer side: where it goes and what its
decision says."""

import uuid
from datetime import UTC, datetime

from credit_common.contracts.events import ApplicationSubmitted
from workflow.domain.documents import paragraphs
from workflow.domain.model import Case


def test_the_case_goes_to_the_credit_section_of_the_subjects_district():
    case = Case.open_for(ApplicationSubmitted(
        application_id=uuid.uuid4(), acceptance_number="XF-440106-20261124-000001",
        record_type="bankruptcy_reorganisation", subject_uscc="91440106MA59ABCD1M",
        subject_name="广州重整测试有限公司", district_code="440106",
        submitted_at=datetime(2026, 11, 24, tzinfo=UTC), record_ids=[uuid.uuid4()],
        deciding_unit_code=None, subject_district_code="440106"),
        datetime(2026, 11, 24, tzinfo=UTC))
    assert case.unit_code == "44010690"


def test_the_decision_says_the_repair_is_temporary_until_the_court_rules():
    text = "".join(paragraphs("repair_decision", {
        "submitted_at": "2026-11-24T10:00:00+08:00", "record_type": "bankruptcy_reorganisation",
        "acceptance_number": "XF-440106-20261124-000001"}, "同意", None))
    assert "提出的破产重整期间临时信用修复申请（受理编号：XF-440106-20261124-000001）" in text
    assert "临时修复" in text and "批准重整计划" in text and "恢复公示" in text
