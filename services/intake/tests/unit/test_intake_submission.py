"""Intake's domain and use cases with an in-memory unit of work."""

import uuid
from datetime import date, datetime, UTC

import pytest
from nameko.testing.services import worker_factory
from stdnum.cn import uscc

from credit_common.contracts.commands import SubmitApplication
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import CaseOpened
from credit_common.errors import Conflict, NotFound, ValidationFailed
from credit_common.testing.claims import DuplicateClaim, FakeClaims
from credit_common.unit_of_work import StagesEvents
from intake import handlers
from intake.domain.model import Application, acceptance_number
from intake.service import IntakeService


def make_uscc(middle="MA59ABCD1"):
    body = "91440106" + middle
    return body + uscc.calc_check_digit(body)


class FakeApplications:
    def __init__(self):
        self.rows = {}
        self.sequences = {}
        self.seen = []

    def add(self, application):
        self.rows[application.id] = application
        self.seen.append(application)

    def save(self, application):
        self.rows[application.id] = application

    def get(self, application_id, for_update=False):
        found = self.rows.get(uuid.UUID(str(application_id)))
        if found is not None:
            self.seen.append(found)
        return found

    def by_idempotency_key(self, key):
        return next((a for a in self.rows.values() if a.idempotency_key == key), None)

    def next_acceptance_sequence(self, district_code, day, unless_key_used=None):
        if unless_key_used and self.by_idempotency_key(unless_key_used):
            return None
        key = (district_code, day)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return self.sequences[key]


class FakeUnitOfWork(FakeClaims, StagesEvents):
    """Stages events as ``IntakeUnitOfWork`` does: collected from the applications seen when
    the entrypoint commits (``commit`` here)."""

    def __init__(self):
        FakeClaims.__init__(self)
        StagesEvents.__init__(self)
        self.applications = self.collect_events_of(FakeApplications())

    def _stage(self, event):
        return event

    def commit(self):
        self.collect_events()


def command(**changes):
    return SubmitApplication(**{"record_type": "penalty_publicity", "subject_uscc": make_uscc(),
                                "subject_name": " 广州测试科技有限公司 ",
                                "district_code": "440106", **changes})


def test_acceptance_numbers_are_formatted_per_district_and_day():
    assert acceptance_number("440106", date(2026, 11, 23), 123) == "XF-440106-20261123-000123"
    with pytest.raises(ValueError):
        acceptance_number("44010", date(2026, 11, 23), 1)
    with pytest.raises(ValueError):
        acceptance_number("440106", date(2026, 11, 23), 1_000_000)


def test_a_submission_is_saved_numbered_and_announced():
    uow = FakeUnitOfWork()
    application = handlers.submit_application(command(), uow)
    assert application.status == "submitted"
    assert application.subject_name == "广州测试科技有限公司"
    assert application.acceptance_number.endswith("-000001")
    assert uow.published == []  # staged by the commit, not by the handler
    uow.commit()
    [event] = uow.published
    assert event.event_type == "application_submitted"
    assert event.application_id == application.id
    # a second commit (or collection) stages nothing again
    uow.commit()
    assert uow.published == [event] and application.events == []


def test_each_submission_gets_the_next_number():
    uow = FakeUnitOfWork()
    numbers = [handlers.submit_application(command(), uow).acceptance_number for _ in range(3)]
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]


def test_the_same_idempotency_key_returns_the_first_application_and_announces_once():
    uow = FakeUnitOfWork()
    first = handlers.submit_application(command(), uow, "key-1")
    uow.commit()
    again = handlers.submit_application(command(), uow, "key-1")
    uow.commit()
    assert again.id == first.id
    assert len(uow.published) == 1


def test_a_wrong_check_digit_is_refused_naming_the_field():
    code = make_uscc()
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    with pytest.raises(ValidationFailed) as raised:
        handlers.submit_application(command(subject_uscc=wrong), FakeUnitOfWork())
    assert raised.value.code == "INVALID_USCC"
    assert raised.value.details == {"field": "subject_uscc"}


def test_case_opened_moves_the_application_to_pending_acceptance_once():
    uow = FakeUnitOfWork()
    application = handlers.submit_application(command(), uow)
    uow.commit()
    case_id = uuid.uuid4()
    envelope = EventEnvelope(event_type="case_opened", source="workflow", data=CaseOpened(
        case_id=case_id, application_id=application.id,
        acceptance_number=application.acceptance_number,
        opened_at=datetime.now(UTC)).model_dump(mode="json"))
    assert handlers.record_case_opened(envelope, uow) is True
    uow.commit()
    with pytest.raises(DuplicateClaim):
        handlers.record_case_opened(envelope, uow)
    # the same news in another message changes nothing either
    again = EventEnvelope(event_type="case_opened", source="workflow", data=envelope.data)
    assert handlers.record_case_opened(again, uow) is False
    uow.commit()
    assert [e.event_type for e in uow.published] == ["application_submitted",
                                                     "application_status_changed"]
    stored = uow.applications.get(application.id)
    assert stored.status == "pending_acceptance"
    assert stored.case_id == case_id
    assert stored.version == 2


def test_an_unknown_or_malformed_application_id_is_not_found():
    with pytest.raises(NotFound):
        handlers.get_application(str(uuid.uuid4()), FakeUnitOfWork())
    with pytest.raises(NotFound):
        handlers.get_application("not-a-uuid", FakeUnitOfWork())


def test_the_entrypoint_turns_a_contract_violation_into_validation_failed():
    service = worker_factory(IntakeService)
    with pytest.raises(ValidationFailed) as raised:
        service.submit_application({"record_type": "penalty_publicity"})
    assert "subject_uscc" in raised.value.details["fields"]


def test_an_approval_arriving_after_the_closing_still_becomes_what_the_applicant_sees():
    at = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    application = Application.submit(
        acceptance_number="XF-440106-20260401-000001", record_type="penalty_publicity",
        subject_uscc=make_uscc(), subject_name="广州测试科技有限公司", district_code="440106",
        submitted_at=at, idempotency_key=None)
    application.case_opened(uuid.uuid4(), at)
    assert application.case_status_changed("accepted", 2, at, None)
    application.events.clear()

    # two workers took the last two steps at once; the closing (version 6) won the race
    assert not application.case_status_changed("closed", 6, at, None)
    assert application.case_status_changed("approved", 5, at, "准予信用修复")
    assert application.status == "repaired"
    assert [e.status for e in application.events] == ["repaired"]
    # a repeat of the approval changes nothing
    assert not application.case_status_changed("approved", 5, at, "准予信用修复")


def test_a_case_ended_because_the_penalty_was_withdrawn_tells_the_applicant_no_repair_needed():
    at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    application = Application.submit(
        acceptance_number="XF-440106-20261207-000001", record_type="penalty_publicity",
        subject_uscc=make_uscc(), subject_name="广州测试科技有限公司", district_code="440106",
        submitted_at=at, idempotency_key=None)
    application.case_opened(uuid.uuid4(), at)
    assert application.case_status_changed("accepted", 2, at, None)
    application.events.clear()
    note = "该行政处罚已依据法院判决（（2026）粤0106行初55号）撤销，停止公示，无需信用修复"
    assert application.case_status_changed("no_repair_needed", 3, at, note)
    assert application.status == "no_repair_needed"
    [told] = application.events
    assert (told.status, told.status_label, told.note) == ("no_repair_needed", "无需修复", note)
    with pytest.raises(Conflict):  # ended: nothing left to withdraw
        application.withdraw(at, None)
