"""Opening a case, in plain Python."""

import uuid
from datetime import datetime, UTC

import pytest

from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted
from credit_common.testing.claims import DuplicateClaim, FakeClaims
from credit_common.unit_of_work import StagesEvents
from workflow.handlers import intake_events
from workflow.domain.model import Case


def submitted():
    return ApplicationSubmitted(
        application_id=uuid.uuid4(), acceptance_number="XF-440106-20261124-000007",
        record_type="penalty_publicity", subject_uscc="91440106MA59ABCD1M",
        subject_name="广州测试", district_code="440106", submitted_at=datetime.now(UTC))


def test_a_case_opens_pending_acceptance_and_announces_itself():
    event = submitted()
    case = Case.open_for(event, datetime.now(UTC))
    assert case.status == "pending_acceptance"
    assert case.acceptance_number == event.acceptance_number
    [opened] = case.events
    assert opened.event_type == "case_opened" and opened.case_id == case.id


class FakeCases:
    def __init__(self):
        self.by_application = {}
        self.seen = []
        self.early_withdrawals = {}

    def remember_early_withdrawal(self, application_id, at):
        self.early_withdrawals.setdefault(application_id, at)

    def take_early_withdrawal(self, application_id):
        return self.early_withdrawals.pop(application_id, None)

    def withdrawn_penalties(self, record_ids):
        return []

    def for_application(self, application_id, for_update=False):
        case = self.by_application.get(application_id)
        if case is not None:
            self.seen.append(case)
        return case

    def save(self, case, expected_version):
        self.by_application[case.application_id] = case

    def add(self, case):
        if case.application_id in self.by_application:
            return False
        self.by_application[case.application_id] = case
        self.seen.append(case)
        return True


class FakeCalendar:
    def prefetch(self, on):
        pass

    def overrides(self):
        return {}

    def deadline_rules(self, on):
        return {"accept_working_days": 2, "decide_working_days": {"penalty_publicity": 15}}


class FakeUnitOfWork(FakeClaims, StagesEvents):
    """Stages events as ``WorkflowUnitOfWork`` does: collected from the cases seen when the
    entrypoint commits (``commit`` here)."""

    def __init__(self):
        FakeClaims.__init__(self)
        StagesEvents.__init__(self)
        self.cases = self.collect_events_of(FakeCases())
        self.calendar = FakeCalendar()

    def _stage(self, event):
        return event

    def commit(self):
        self.collect_events()


def test_open_case_is_idempotent_by_message_and_by_application():
    uow = FakeUnitOfWork()
    event = submitted()
    envelope = EventEnvelope(event_type=event.event_type, source=event.source,
                             data=event.model_dump(mode="json"))
    assert intake_events.open_case(envelope, uow) is not None
    uow.commit()
    with pytest.raises(DuplicateClaim):
        intake_events.open_case(envelope, uow)
    other_message = EventEnvelope(event_type=event.event_type, source=event.source,
                                  data=event.model_dump(mode="json"))
    assert intake_events.open_case(other_message, uow) is None
    uow.commit()
    assert len(uow.published) == 1


def test_a_withdrawal_that_overtook_its_submission_withdraws_the_case_when_it_opens():
    from credit_common.contracts.events import ApplicationWithdrawn

    uow = FakeUnitOfWork()
    event = submitted()
    withdrawal = ApplicationWithdrawn(application_id=event.application_id,
                                      acceptance_number=event.acceptance_number,
                                      withdrawn_at=datetime.now(UTC))
    assert intake_events.withdraw_case(EventEnvelope(
        event_type=withdrawal.event_type, source=withdrawal.source,
        data=withdrawal.model_dump(mode="json")), uow) is False
    case = intake_events.open_case(EventEnvelope(event_type=event.event_type, source=event.source,
                                            data=event.model_dump(mode="json")), uow)
    uow.commit()
    assert case.status == "withdrawn"
    assert uow.cases.early_withdrawals == {}
    assert [e.event_type for e in uow.published] == ["case_opened"]


def test_a_withdrawn_penalty_ends_only_an_undecided_case_about_it_alone():
    at = datetime.now(UTC)
    record, other = str(uuid.uuid4()), str(uuid.uuid4())
    alone = Case.open_for(submitted().model_copy(update={"record_ids": [record]}), at)
    alone.events.clear()
    assert alone.penalty_withdrawn(other, "无关", at) is False
    assert alone.penalty_withdrawn(record, "该行政处罚已撤销", at) is True
    assert alone.status == "no_repair_needed" and alone.closed_at == at
    [event] = alone.events
    assert (event.status, event.note) == ("no_repair_needed", "该行政处罚已撤销")
    assert alone.penalty_withdrawn(record, "该行政处罚已撤销", at) is False  # ended already

    several = Case.open_for(submitted().model_copy(update={"record_ids": [record, other]}), at)
    several.events.clear()
    assert several.penalty_withdrawn(record, "该行政处罚已撤销", at) is True
    assert several.status == "pending_acceptance" and several.events == []
    assert several.steps[-1].action == "penalty_withdrawn"

    decided = Case.open_for(submitted().model_copy(update={"record_ids": [record]}), at)
    decided.status = "approved"
    assert decided.penalty_withdrawn(record, "该行政处罚已撤销", at) is False
