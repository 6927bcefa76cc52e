"""Deadline rule versions: checked against their schema before anything is stored, and the
reminder's lead read from the version in force."""

from __future__ import annotations

import copy
import uuid
from datetime import date, timedelta

import pytest

from credit_common.clock import now
from credit_common.contracts.deadlines import DecideWorkingDays
from credit_common.contracts.vocabulary import BANKRUPTCY_REORGANISATION, RecordType
from credit_common.errors import Forbidden, ValidationFailed
from workflow.domain.model import Officer
from workflow.handlers import deadline_rules, deadlines, todo

ADMIN = Officer(id=uuid.uuid4(), name="马管理", unit_code="440100", roles=("administrator",))
RULES = {"accept_working_days": 2,
         "decide_working_days": {"serious_illegal_list": 15, "abnormal_operation_list": 5,
                                 "individual_abnormal_status": 5,
                                 "cooperative_abnormal_list": 5, "penalty_publicity": 15,
                                 "other_department_penalty": 5, "bankruptcy_reorganisation": 15},
         "remind_working_days_before": 1}


def version(**changes) -> dict:
    asked = {"version": "2027.1", "effective_from": (now().date() + timedelta(days=30)).isoformat(),
             "source": "《市场监督管理信用修复管理办法》", "rules": copy.deepcopy(RULES)}
    asked.update(changes)
    return asked


class FakeCalendar:
    def __init__(self, lead=1):
        self.added = []
        self.lead = lead

    def add_deadline_rules(self, *args):
        self.added.append(args)

    def deadline_rules(self, on):
        return {**RULES, "remind_working_days_before": self.lead}

    def overrides(self):
        return {}


class FakeUnitOfWork:
    def __init__(self, lead=1):
        self.calendar = FakeCalendar(lead)


def test_the_schema_names_every_record_type_and_the_reorganisation():
    assert set(DecideWorkingDays.model_fields) == {t.value for t in RecordType} | {
        BANKRUPTCY_REORGANISATION}


def test_a_valid_version_is_stored_with_its_administrator():
    uow = FakeUnitOfWork()
    added = deadline_rules.add_version(ADMIN, version(source="  国市监信规〔2026〕1号 "), uow)
    assert added["rules"] == RULES and added["source"] == "国市监信规〔2026〕1号"
    [(name, effective, source, rules, by)] = uow.calendar.added
    assert (name, rules, by) == ("2027.1", RULES, ADMIN.id)


def rules_with(path: str, value):
    rules = copy.deepcopy(RULES)
    *parents, last = path.split(".")
    target = rules
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return rules


@pytest.mark.parametrize("asked, field", [
    (version(rules=rules_with("accept_working_days", 0)), "rules.accept_working_days"),
    (version(rules=rules_with("accept_working_days", "2")), "rules.accept_working_days"),
    (version(rules=rules_with("accept_working_days", True)), "rules.accept_working_days"),
    (version(rules=rules_with("decide_working_days.penalty_publicity", 61)),
     "rules.decide_working_days.penalty_publicity"),
    (version(rules=rules_with("decide_working_days.penalty_publicity", 7.5)),
     "rules.decide_working_days.penalty_publicity"),
    (version(rules=rules_with("decide_working_days.serious_illegal_list", KeyError)),
     "rules.decide_working_days.serious_illegal_list"),
    (version(rules=rules_with("decide_working_days.parking_ticket", 5)),
     "rules.decide_working_days.parking_ticket"),
    (version(rules=rules_with("remind_working_days_before", -1)),
     "rules.remind_working_days_before"),
    (version(rules=rules_with("remind_working_days_before", KeyError)),
     "rules.remind_working_days_before"),
    (version(rules=rules_with("remind_days", 2)), "rules.remind_days"),
    (version(rules=None), "rules"),
    (version(version="  "), "version"),
    (version(version="2027\x00.1"), "version"),
    (version(source=""), "source"),
    (version(effective_from="2027-02-30"), "effective_from"),
    (version(note="x"), "note"),
])
def test_an_invalid_version_is_refused_naming_the_field_and_nothing_is_stored(asked, field):
    uow = FakeUnitOfWork()
    with pytest.raises(ValidationFailed) as raised:
        deadline_rules.add_version(ADMIN, asked, uow)
    assert raised.value.code == "INVALID_DEADLINE_RULES"
    assert "期限规则不符合要求" in raised.value.message
    assert field in [f["field"] for f in raised.value.details["fields"]]
    assert uow.calendar.added == []


def test_only_an_administrator_adds_a_version():
    uow = FakeUnitOfWork()
    handler = Officer(id=uuid.uuid4(), name="黄承办", unit_code="44010601", roles=("handler",))
    with pytest.raises(Forbidden) as raised:
        deadline_rules.add_version(handler, version(), uow)
    assert raised.value.code == "ROLE_REQUIRED"
    assert uow.calendar.added == []


def test_a_version_must_take_effect_after_today():
    uow = FakeUnitOfWork()
    with pytest.raises(ValidationFailed) as raised:
        deadline_rules.add_version(ADMIN, version(effective_from=now().date().isoformat()), uow)
    assert raised.value.code == "EFFECTIVE_DATE_NOT_IN_FUTURE"
    assert uow.calendar.added == []


class FakeCases:
    def __init__(self):
        self.asked = {}

    def claim_deadline_notices(self, kind, statuses, due_from, due_to):
        self.asked[kind] = (due_from, due_to)
        assert "returned" not in statuses    # a returned case's clock stands still
        return []


@pytest.mark.parametrize("lead, until", [
    (0, date(2026, 9, 30)),     # on the due day only
    (1, date(2026, 10, 8)),     # the next working day is after National Day
    (3, date(2026, 10, 10)),    # 8, 9 and the 调休 Saturday 10 October
])
def test_the_reminder_reads_its_lead_from_the_rules_in_force(lead, until):
    uow = FakeUnitOfWork(lead)
    uow.cases = FakeCases()
    assert deadlines.check_deadlines(date(2026, 9, 30), uow) == {"reminder": 0,
                                                                 "escalation": 0}
    assert uow.cases.asked["reminder"] == (date(2026, 9, 30), until)
    assert uow.cases.asked["escalation"][1] == date(2026, 9, 29)
    assert todo.due_soon_until(date(2026, 9, 30), uow) == until
