"""Temporary repair during a bankruptcy reorganisation, in plain Python: what each change of
intake's does to the records, in either order, and the expiry."""

import uuid
from datetime import UTC, date, datetime

import pytest

from credit_common.contracts.reorganisation import CourtRuling, ReorganisationChanged
from credit_common.errors import Conflict
from disclosure.domain import temporary_repairs
from disclosure.domain.model import Record

AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
APPLICATION = uuid.uuid4()


def record(record_type="abnormal_operation_list", state="active"):
    return Record(id=uuid.uuid4(), subject_id=uuid.uuid4(), record_type=record_type,
                  district_code="440106", source_record_id=f"r-{uuid.uuid4()}",
                  publicity_state=state, listing_date=date(2026, 1, 1))


def change(kind, records, **extra):
    ruling = {"granted": CourtRuling(kind="reorganisation_accepted", court="广州市中级人民法院",
                                     case_number="（2026）粤01破12号",
                                     ruling_date=date(2026, 10, 1), debtor_name="广州某公司",
                                     debtor_code="91440106MA59ABCD1M"),
              "plan_confirmed": CourtRuling(kind="plan_confirmed", court="广州市中级人民法院",
                                            case_number="（2026）粤01破12号之三",
                                            ruling_date=date(2026, 11, 20)),
              "terminated": CourtRuling(kind="reorganisation_terminated",
                                        court="广州市中级人民法院",
                                        case_number="（2026）粤01破12号之五",
                                        ruling_date=date(2026, 11, 20))}.get(kind)
    return ReorganisationChanged(
        application_id=APPLICATION, acceptance_number="XF-440106-20261101-000001",
        subject_code="91440106MA59ABCD1M", record_ids=[r.id for r in records], change=kind,
        ruling=ruling, expires_on=date(2027, 7, 1) if kind == "granted" else None,
        decision_id="case:7" if kind in ("granted", "revoked") else None, occurred_at=AT)


def test_the_grant_hides_the_active_records_until_the_expiry():
    listed, penalty, repaired = (record(), record("penalty_publicity"),
                                 record(state="removed"))
    records = [listed, penalty, repaired]
    repair = temporary_repairs.apply_change(None, change("granted", records), records, AT)
    assert (repair.state, repair.expires_on) == ("temporary", date(2027, 7, 1))
    assert [r.publicity_state for r in records] == ["temporarily_repaired"] * 2 + ["removed"]
    entry = listed.history[-1]
    assert (entry.cause_kind, entry.cause_ref) == ("temporary_repair", "case:7")
    assert "2027-07-01" in entry.note and "（2026）粤01破12号" in entry.note
    [told] = repair.events
    assert (told.state, told.cause, told.record_ids) == ("temporary", "granted",
                                                         [listed.id, penalty.id])
    # the same grant again changes nothing
    assert temporary_repairs.apply_change(repair, change("granted", records), records, AT) is None


@pytest.mark.parametrize("record_type, final", [
    ("abnormal_operation_list", "removed"), ("serious_illegal_list", "removed"),
    ("penalty_publicity", "stopped"), ("individual_abnormal_status", "restored"),
    ("cooperative_abnormal_list", "removed")])
def test_the_plan_confirmed_repairs_each_record_as_its_type_is_repaired(record_type, final):
    one = record(record_type)
    repair = temporary_repairs.apply_change(None, change("granted", [one]), [one], AT)
    repair.events.clear()
    repair = temporary_repairs.apply_change(repair, change("plan_confirmed", [one]), [one], AT)
    assert one.publicity_state == final and repair.state == "final"
    assert (one.history[-1].cause_kind, one.history[-1].cause_ref) == (
        "reorganisation_plan_confirmed", "（2026）粤01破12号之三")
    assert [(e.state, e.cause) for e in repair.events] == [("final", "plan_confirmed")]
    assert repair.ending_ruling["case_number"] == "（2026）粤01破12号之三"


@pytest.mark.parametrize("ending, cause_kind", [("terminated", "reorganisation_terminated"),
                                                ("revoked", "revocation")])
def test_a_termination_or_revocation_publicises_the_records_again(ending, cause_kind):
    one = record()
    repair = temporary_repairs.apply_change(None, change("granted", [one]), [one], AT)
    repair = temporary_repairs.apply_change(repair, change(ending, [one]), [one], AT)
    assert (one.publicity_state, repair.state, repair.end_cause) == ("active", "reinstated",
                                                                      ending)
    assert one.history[-1].cause_kind == cause_kind
    # over: a confirmation coming after changes nothing
    assert temporary_repairs.apply_change(repair, change("plan_confirmed", [one]), [one],
                                          AT) is None
    assert one.publicity_state == "active"


def test_a_revocation_after_the_plan_was_confirmed_publicises_the_records_again():
    one = record("penalty_publicity")
    repair = temporary_repairs.apply_change(None, change("granted", [one]), [one], AT)
    repair = temporary_repairs.apply_change(repair, change("plan_confirmed", [one]), [one], AT)
    assert one.publicity_state == "stopped"
    repair = temporary_repairs.apply_change(repair, change("revoked", [one]), [one], AT)
    assert (one.publicity_state, repair.state, repair.end_cause) == ("active", "reinstated",
                                                                      "revoked")


def test_a_confirmation_overtaking_its_grant_repairs_for_good_and_the_late_grant_is_ignored():
    one = record()
    repair = temporary_repairs.apply_change(None, change("plan_confirmed", [one]), [one], AT)
    assert (one.publicity_state, repair.state) == ("removed", "final")
    assert temporary_repairs.apply_change(repair, change("granted", [one]), [one], AT) is None
    assert one.publicity_state == "removed"


def test_a_termination_overtaking_its_grant_hides_nothing():
    one = record()
    repair = temporary_repairs.apply_change(None, change("terminated", [one]), [one], AT)
    assert (one.publicity_state, repair.state, one.history) == ("active", "reinstated", [])
    assert temporary_repairs.apply_change(repair, change("granted", [one]), [one], AT) is None
    assert one.publicity_state == "active"


def test_the_expiry_ends_the_repair_the_day_after_its_last_day():
    one, changed_meanwhile = record(), record()
    records = [one, changed_meanwhile]
    repair = temporary_repairs.apply_change(None, change("granted", records), records, AT)
    repair.events.clear()
    changed_meanwhile.change_state("active", "message", "m-1", AT)  # withdrawn and relisted
    assert not temporary_repairs.expire(repair, records, date(2027, 7, 1), AT, "run")
    assert one.publicity_state == "temporarily_repaired"
    assert temporary_repairs.expire(repair, records, date(2027, 7, 2), AT, "run:2027-07-02")
    assert (one.publicity_state, repair.state, repair.end_cause) == ("active", "reinstated",
                                                                      "expired")
    assert (one.history[-1].cause_kind, one.history[-1].cause_ref) == (
        "temporary_repair_expired", "run:2027-07-02")
    [told] = repair.events
    assert (told.state, told.cause, told.record_ids) == ("reinstated", "expired", [one.id])
    assert not temporary_repairs.expire(repair, records, date(2027, 7, 3), AT, "run")


def test_a_temporarily_repaired_record_cannot_expire_by_publicity_term_directly():
    one = record("penalty_publicity", state="temporarily_repaired")
    with pytest.raises(Conflict):
        one.change_state("expired", "job", "end_penalty_publicity", AT)
