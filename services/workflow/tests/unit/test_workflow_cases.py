"""Opening a case, in plain Python."""

import uuid
from datetime import datetime, UTC

import pytest

from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted
from credit_common.testing.claims import DuplicateClaim, FakeClaims
from workflow import handlers
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
        self.early_withdrawals = {}

    def remember_early_withdrawal(self, application_id, at):
        self.early_withdrawals.setdefault(application_id, at)

    def take_early_withdrawal(self, application_id):
        return self.early_withdrawals.pop(application_id, None)

    def for_application(self, application_id, for_update=False):
        return self.by_application.get(application_id)

    def save(self, case, expected_version):
        self.by_application[case.application_id] = case

    def add(self, case):
        if case.application_id in self.by_application:
            return False
        self.by_application[case.application_id] = case
        return True


class FakeCalendar:
    def prefetch(self, on):
        pass

    def overrides(self):
        return {}

    def deadline_rules(self, on):
        return {"accept_working_days": 2, "decide_working_days": {"penalty_publicity": 15}}


class FakeUnitOfWork(FakeClaims):
    def __init__(self):
        super().__init__()
        self.cases = FakeCases()
        self.calendar = FakeCalendar()
        self.published = []

    def publish(self, event):
        self.published.append(event)


def test_open_case_is_idempotent_by_message_and_by_application():
    uow = FakeUnitOfWork()
    event = submitted()
    envelope = EventEnvelope(event_type=event.event_type, source=event.source,
                             data=event.model_dump(mode="json"))
    assert handlers.open_case(envelope, uow) is not None
    with pytest.raises(DuplicateClaim):
        handlers.open_case(envelope, uow)
    other_message = EventEnvelope(event_type=event.event_type, source=event.source,
                                  data=event.model_dump(mode="json"))
    assert handlers.open_case(other_message, uow) is None
    assert len(uow.published) == 1


def test_a_withdrawal_that_overtook_its_submission_withdraws_the_case_when_it_opens():
    from credit_common.contracts.events import ApplicationWithdrawn

    uow = FakeUnitOfWork()
    event = submitted()
    withdrawal = ApplicationWithdrawn(application_id=event.application_id,
                                      acceptance_number=event.acceptance_number,
                                      withdrawn_at=datetime.now(UTC))
    assert handlers.withdraw_case(EventEnvelope(
        event_type=withdrawal.event_type, source=withdrawal.source,
        data=withdrawal.model_dump(mode="json")), uow) is False
    case = handlers.open_case(EventEnvelope(event_type=event.event_type, source=event.source,
                                            data=event.model_dump(mode="json")), uow)
    assert case.status == "withdrawn"
    assert uow.cases.early_withdrawals == {}
    assert [e.event_type for e in uow.published] == ["case_opened"]
