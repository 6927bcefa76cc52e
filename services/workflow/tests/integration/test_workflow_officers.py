"""An administrator's officers: listed and managed within the scope that bounds the cases the
administrator sees (an office its own, a district bureau its district, the city everyone)."""

from __future__ import annotations

import random
import uuid

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.contracts.officers import ActingOfficer, AdministratorScope
from credit_common.reference.organisation import UNITS
from workflow.service import WorkflowService


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


def add(engine, unit_code: str, roles: list[str], name: str) -> str:
    officer_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, :n, :u, "
            ":r)"), {"id": officer_id, "p": "136" + f"{random.randrange(10**8):08d}", "n": name,
                     "u": unit_code, "r": roles})
    return officer_id


def code_of(raised) -> str:
    return raised.value.value.split(":", 1)[0]


def test_each_administrator_lists_the_officers_of_the_own_scope_page_by_page(
        workflow, nameko_config, db_engine):
    engine = db_engine["workflow"]
    tag = uuid.uuid4().hex[:8]
    # 增城区 (440118): its bureau, two offices and the credit section; one officer elsewhere
    office_admin = add(engine, "44011801", ["administrator"], f"所管理{tag}")
    district_admin = add(engine, "440118", ["administrator"], f"区管理{tag}")
    city_admin = add(engine, "440100", ["administrator"], f"市管理{tag}")
    handler = add(engine, "44011801", ["handler"], f"承办{tag}")
    add(engine, "44011802", ["reviewer"], f"审核{tag}")
    add(engine, "44011890", ["reviewer", "approver"], f"科员{tag}")
    add(engine, "44010601", ["handler"], f"天河{tag}")

    with ClusterRpcProxy(nameko_config) as proxy:
        def listed(admin, **options):
            page = proxy.workflow.officers(admin, search=tag, **options)
            return page["items"], page["next_cursor"]

        mine, _ = listed(office_admin)
        assert {o["unit_code"] for o in mine} == {"44011801"} and len(mine) == 2
        district, _ = listed(district_admin)
        assert [o["unit_code"] for o in district] == ["440118", "44011801", "44011801",
                                                      "44011802", "44011890"]
        assert district[-1]["unit_name"] == "广州市增城区市场监督管理局信用监管科"
        assert district[-1]["roles"] == ["reviewer", "approver"] and district[-1]["active"]
        everyone, last = listed(city_admin)
        assert len(everyone) == 7 and last is None

        # a page at a time, in the same order, nothing twice
        pages, cursor = [], None
        while True:
            items, cursor = listed(city_admin, limit=3, cursor=cursor)
            pages.extend(items)
            if cursor is None:
                break
        assert [o["id"] for o in pages] == [o["id"] for o in everyone]
        # a part of a phone number finds its officer
        phone = mine[0]["phone"]
        found = proxy.workflow.officers(office_admin, search=phone[-6:])["items"]
        assert [o["phone"] for o in found] == [phone]

        with pytest.raises(RemoteError) as raised:
            proxy.workflow.officers(handler)
        assert code_of(raised) == "ROLE_REQUIRED"
        with pytest.raises(RemoteError) as raised:
            proxy.workflow.officers(city_admin, cursor="not-a-cursor")
        assert code_of(raised) == "INVALID_CURSOR"


def test_an_administrator_adds_and_changes_officers_only_within_the_own_scope(
        workflow, nameko_config, db_engine):
    engine = db_engine["workflow"]
    tag = uuid.uuid4().hex[:8]
    office_admin = add(engine, "44011701", ["administrator"], f"所管理{tag}")
    district_admin = add(engine, "440117", ["administrator"], f"区管理{tag}")
    elsewhere = add(engine, "44010601", ["handler"], f"天河{tag}")

    def new_phone():
        return "135" + f"{random.randrange(10**8):08d}"

    with ClusterRpcProxy(nameko_config) as proxy:
        with pytest.raises(RemoteError) as raised:
            proxy.workflow.add_officer(office_admin, new_phone(), "邻所", "44011702", ["handler"])
        assert code_of(raised) == "OFFICER_OUTSIDE_SCOPE"
        added = proxy.workflow.add_officer(district_admin, new_phone(), f"新人{tag}", "44011702",
                                           ["handler"])
        assert added["unit_code"] == "44011702" and added["active"] is True
        moved = proxy.workflow.change_officer(district_admin, added["id"],
                                              {"unit_code": "44011790", "roles": ["reviewer"]})
        assert moved["unit_code"] == "44011790" and moved["roles"] == ["reviewer"]
        for officer_id, changes in ((elsewhere, {"active": False}),
                                    (added["id"], {"unit_code": "44010601"})):
            with pytest.raises(RemoteError) as raised:
                proxy.workflow.change_officer(district_admin, officer_id, changes)
            assert code_of(raised) == "OFFICER_OUTSIDE_SCOPE"
        with pytest.raises(RemoteError) as raised:
            proxy.workflow.change_officer(office_admin, added["id"], {"active": False})
        assert code_of(raised) == "OFFICER_OUTSIDE_SCOPE"

        assert [u["code"] for u in proxy.workflow.units_for_officers(office_admin)["items"]] \
            == ["44011701"]
        district_units = {u["code"] for u in
                          proxy.workflow.units_for_officers(district_admin)["items"]}
        assert district_units == {"440117", "44011701", "44011702", "44011703", "44011704",
                                  "44011705", "44011790"}
        city = proxy.workflow.units_for_officers(
            add(engine, "440100", ["administrator"], f"市管理{tag}"))["items"]
        assert len(city) == len(UNITS)


def test_every_administrator_operation_is_refused_inside_workflow_without_the_role(
        workflow, nameko_config, db_engine):
    engine = db_engine["workflow"]
    handler = add(engine, "440100", ["handler", "reviewer", "approver"], "非管理员")
    target = add(engine, "44010601", ["handler"], "被管理")
    admin = add(engine, "440100", ["administrator"], "管理员")
    with ClusterRpcProxy(nameko_config) as proxy:
        workflow_rpc = proxy.workflow
        calls = {
            "administrator": lambda who: workflow_rpc.administrator(who),
            "calendar_overrides": lambda who: workflow_rpc.calendar_overrides(who),
            "add_working_days": lambda who: workflow_rpc.add_working_days(who, "2026-12-01", 3),
            "set_calendar_override": lambda who: workflow_rpc.set_calendar_override(
                who, "2031-12-01", False, "测试"),
            "officers": lambda who: workflow_rpc.officers(who),
            "units_for_officers": lambda who: workflow_rpc.units_for_officers(who),
            "add_officer": lambda who: workflow_rpc.add_officer(
                who, "136" + f"{random.randrange(10**8):08d}", "新人", "44010601", ["handler"]),
            "change_officer": lambda who: workflow_rpc.change_officer(who, target,
                                                                      {"active": False}),
        }
        for name, call in calls.items():
            for who, expected in ((handler, "ROLE_REQUIRED"), ("nobody", "OFFICER_DISABLED")):
                with pytest.raises(RemoteError) as raised:
                    call(who)
                assert (raised.value.exc_type, code_of(raised)) == ("Forbidden", expected), name
        answer = workflow_rpc.administrator(admin)
        assert (answer["id"], answer["units"], answer["districts"]) == (admin, None, None)
        assert workflow_rpc.add_working_days(admin, "2026-12-01", 3)["date"]
        assert isinstance(workflow_rpc.calendar_overrides(admin), list)


def test_the_administrator_answer_is_the_scope_intake_and_disclosure_read(
        workflow, nameko_config, db_engine):
    engine = db_engine["workflow"]
    with ClusterRpcProxy(nameko_config) as proxy:
        for unit_code, units, districts in (("440100", None, None),
                                            ("440106", None, ["440106"]),
                                            ("44010690", None, ["440106"]),
                                            ("44010601", ["44010601"], None)):
            admin = add(engine, unit_code, ["administrator", "handler"], f"范围{unit_code}")
            answer = proxy.workflow.administrator(admin)
            scope = AdministratorScope.model_validate(answer)
            assert scope.model_dump(mode="json") == answer
            assert (str(scope.id), scope.unit_code, scope.units, scope.districts) == (
                admin, unit_code, units, districts)
            assert set(scope.roles) == {"administrator", "handler"}


def test_the_me_answer_carries_the_acting_officer_disclosure_reads(workflow, nameko_config,
                                                                     db_engine):
    officer_id = add(db_engine["workflow"], "44010602", ["approver", "reviewer"], "撤销审批")
    with ClusterRpcProxy(nameko_config) as proxy:
        answer = proxy.workflow.me(officer_id)
    acting = ActingOfficer.model_validate({k: answer[k] for k in ActingOfficer.model_fields})
    assert (str(acting.id), acting.name, acting.unit_code, acting.active) == (
        officer_id, "撤销审批", "44010602", True)
    assert set(acting.roles) == {"approver", "reviewer"}
