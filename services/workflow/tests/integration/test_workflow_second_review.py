"""复审 of another department's penalty is the district credit section head's alone, in a real
container: a reviewer (of the section or of the office the case went to) is refused with
SECTION_HEAD_REQUIRED, the head takes it wherever in the district the case is, and the role
is given only to a credit section's officers."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, UTC

import pika
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted
from credit_common.topology import declare_subscription, find_subscription
from workflow.service import WorkflowService

SECTION, OFFICE = "44011590", "44011502"            # 南沙: credit section, 黄阁 office


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


def add_officer(engine, unit: str, roles: list[str]) -> str:
    officer_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, '复审测试', "
            ":u, :r)"), {"id": officer_id, "p": f"134{uuid.uuid4().int % 10**8:08d}",
                         "u": unit, "r": roles})
    return officer_id


def submit_other_department_penalty(amqp_uri) -> str:
    event = ApplicationSubmitted(
        application_id=uuid.uuid4(),
        acceptance_number=f"XF-440115-20261207-{uuid.uuid4().int % 10**6:06d}",
        record_type="other_department_penalty", subject_uscc="91440115MA59SECT1X",
        subject_name="广州复审测试有限公司", district_code="440115",
        submitted_at=datetime.now(UTC), record_ids=[uuid.uuid4()],
        subject_district_code="440115")
    envelope = EventEnvelope(event_type=event.event_type, source=event.source,
                             data=event.model_dump(mode="json"))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        declare_subscription(channel, find_subscription("intake", "application_submitted",
                                                        "workflow"))
        channel.basic_publish("intake.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    finally:
        connection.close()
    return event.acceptance_number


def opened(proxy, number: str) -> dict:
    deadline = time.monotonic() + 15
    while True:
        try:
            return proxy.workflow.get_case(number)
        except RemoteError:
            assert time.monotonic() < deadline, "the case did not open"
            time.sleep(0.05)


def refused(call, code: str) -> None:
    with pytest.raises(RemoteError) as raised:
        call()
    assert raised.value.exc_type == "Forbidden"
    assert raised.value.value.startswith(f"{code}: ")


@pytest.mark.parametrize("transferred", [False, True], ids=["at-the-section", "at-an-office"])
def test_only_the_district_credit_section_head_takes_the_second_review(
        workflow, nameko_config, amqp_uri, db_engine, transferred):
    engine = db_engine["workflow"]
    section = add_officer(engine, SECTION, ["handler", "reviewer"])
    colleague = add_officer(engine, SECTION, ["reviewer", "approver"])
    head = add_officer(engine, SECTION, ["section_head"])
    other_head = add_officer(engine, "44010690", ["section_head"])
    office = add_officer(engine, OFFICE, ["handler", "reviewer"])
    office_reviewer = add_officer(engine, OFFICE, ["reviewer", "approver"])
    number = submit_other_department_penalty(amqp_uri)
    with ClusterRpcProxy(nameko_config) as proxy:
        act = proxy.workflow.act
        case = opened(proxy, number)
        assert case["unit_code"] == SECTION
        version = act(section, number, "accept", case["version"])["version"]
        worker, reviewers = section, [colleague]
        if transferred:
            version = act(section, number, "transfer", version, "属黄阁所辖区",
                          OFFICE)["version"]
            worker, reviewers = office, [office_reviewer, colleague]
        version = act(worker, number, "verify", version, "已核对其他部门的信用修复决定")["version"]
        version = act(worker, number, "first_review", version, "初审同意")["version"]

        for reviewer in reviewers:
            refused(lambda who=reviewer: act(who, number, "second_review", version, "复审同意"),
                    "SECTION_HEAD_REQUIRED")
            assert proxy.workflow.case_page(reviewer, number)["allowed_actions"] == []
        refused(lambda: act(other_head, number, "second_review", version, "复审同意"),
                "CASE_NOT_ACCESSIBLE")                      # another district's head
        page = proxy.workflow.case_page(head, number)
        assert [a["action"] for a in page["allowed_actions"]] == ["second_review"]
        assert page["can_act"] is True
        done = act(head, number, "second_review", version, "复审同意")
        assert done["status"] == "under_approval"
        assert done["unit_code"] == (OFFICE if transferred else SECTION)
        refused(lambda: act(head, number, "approve", done["version"], "准予"),
                "CASE_NOT_OF_MY_UNIT" if transferred else "ROLE_REQUIRED")
        steps = proxy.workflow.case_page(head, number)["approval_form"]
        assert [(s["action"], s["unit_code"]) for s in steps][-1] == ("second_review", SECTION)
    with engine.connect() as conn:
        assert conn.execute(text(
            "SELECT officer_id FROM case_steps WHERE case_id = CAST(:c AS uuid) "
            "AND action = 'second_review'"), {"c": case["id"]}).scalar_one() == uuid.UUID(head)


def test_the_section_head_role_is_only_for_a_credit_section(workflow, nameko_config,
                                                            db_engine):
    engine = db_engine["workflow"]
    admin = add_officer(engine, "440100", ["administrator"])
    with ClusterRpcProxy(nameko_config) as proxy:
        with pytest.raises(RemoteError) as raised:
            proxy.workflow.add_officer(admin, f"133{uuid.uuid4().int % 10**8:08d}", "某所长",
                                       OFFICE, ["section_head"])
        assert raised.value.value.startswith("ROLE_NOT_FOR_UNIT: ")
        head = proxy.workflow.add_officer(admin, f"133{uuid.uuid4().int % 10**8:08d}", "南沙科长",
                                          SECTION, ["section_head", "approver"])
        assert head["roles"] == ["section_head", "approver"]
        with pytest.raises(RemoteError) as raised:
            proxy.workflow.change_officer(admin, head["id"], {"unit_code": OFFICE})
        assert raised.value.value.startswith("ROLE_NOT_FOR_UNIT: ")
