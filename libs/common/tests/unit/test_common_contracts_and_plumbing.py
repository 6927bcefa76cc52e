"""Plain-Python parts of the shared package: names on the bus, the wire format, errors,
settings, identifier checks and the organisation reference data."""

import json
import logging
import os
import uuid

import pytest
import structlog
from stdnum.cn import ric, uscc

from credit_common import topology
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted
from credit_common.errors import Conflict, NotFound, ServiceError
from credit_common.identity import (is_valid_document, mask_document, mask_phone,
                                    subject_code_kind)
from credit_common.logging import configure_logging, get_logger
from credit_common.nameko_ext.entrypoints import Timer
from credit_common.reference import organisation
from credit_common.relay import libpq_dsn
from credit_common.testing.settings import service_settings

# the shared settings, reading the variables intake's own class declares
IntakeSettings = service_settings("intake")


def test_queue_names_follow_the_topology_convention():
    sub = topology.Subscription("intake", "application_submitted", "workflow")
    assert sub.exchange == "intake.events"
    assert sub.queue == "workflow--intake.application_submitted"
    assert sub.dead_letter_queue == "workflow--intake.application_submitted.dlq"
    assert sub.retry_queue(5000) == "workflow--intake.application_submitted.retry.5000ms"


def test_an_unlisted_subscription_is_refused_with_a_hint():
    with pytest.raises(LookupError, match="topology"):
        topology.find_subscription("intake", "no_such_event", "workflow")


def test_the_envelope_is_plain_json_on_the_wire():
    event = ApplicationSubmitted(
        application_id=uuid.uuid4(), acceptance_number="XF-440106-20261124-000001",
        record_type="penalty_publicity", subject_uscc="91440106MA59ABCD1M",
        subject_name="广州测试", district_code="440106",
        submitted_at="2026-11-24T10:00:00+08:00")
    wire = EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json")).model_dump(mode="json")
    text = json.dumps(wire, ensure_ascii=False)  # would raise on a datetime or UUID
    assert "__type__" not in text
    assert isinstance(wire["occurred_at"], str) and isinstance(wire["message_id"], str)
    assert EventEnvelope.model_validate(json.loads(text)).data["subject_name"] == "广州测试"


def test_service_errors_carry_code_message_and_details_in_args():
    error = NotFound("CASE_NOT_FOUND", "未找到案件", {"acceptance_number": "X"})
    assert error.args == ("CASE_NOT_FOUND", "未找到案件", '{"acceptance_number": "X"}')
    assert error.details == {"acceptance_number": "X"}
    assert Conflict().code == "CONFLICT" and "冲突" in Conflict().message
    assert isinstance(error, ServiceError)


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL_TEMPLATE", "postgresql+psycopg2://u@h/x_{service}")
    monkeypatch.setenv("EVENT_RETRY_DELAYS_MS", "[10, 20]")
    settings = IntakeSettings()
    assert settings.database_url == "postgresql+psycopg2://u@h/x_intake"
    assert settings.event_retry_delays_ms == [10, 20]
    monkeypatch.setenv("INTAKE_DATABASE_URL", "postgresql+psycopg2://u@h/explicit")
    assert IntakeSettings().database_url == "postgresql+psycopg2://u@h/explicit"


def test_the_relay_speaks_libpq_urls():
    assert libpq_dsn("postgresql+psycopg2://postgres@127.0.0.1:5432/credit_intake") == \
        "postgresql://postgres@127.0.0.1:5432/credit_intake"


def valid_uscc(body="91440106MA59ABCD"):
    body = (body + "0")[:17]
    return body + uscc.calc_check_digit(body)


def test_subject_codes_accept_uscc_or_registration_number_with_checksums():
    code = valid_uscc()
    assert subject_code_kind(code) == "uscc"
    assert subject_code_kind(code.lower()) == "uscc"
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    assert subject_code_kind(wrong) is None
    assert subject_code_kind("440106000123453") in ("registration_number", None)
    from stdnum.iso7064 import mod_11_10
    registration = "44010600012345" + mod_11_10.calc_check_digit("44010600012345")
    assert subject_code_kind(registration) == "registration_number"
    assert subject_code_kind(registration[:-1] + str((int(registration[-1]) + 1) % 10)) is None


def test_documents_are_checked_by_type():
    body = "44010619900101123"
    resident_id = body + ric.calc_check_digit(body + "0")  # it skips the last character
    assert is_valid_document("resident_id", resident_id)
    assert not is_valid_document("resident_id", body + "0" if resident_id[-1] != "0" else body + "1")
    assert is_valid_document("hk_macao_permit", "H12345678")
    assert not is_valid_document("hk_macao_permit", "12345678")
    assert mask_document(resident_id) == resident_id[:4] + "*" * 12 + resident_id[-2:]
    assert mask_phone("13800138000") == "138****8000"


def test_the_organisation_has_eleven_districts_with_offices_and_a_credit_section():
    districts = [u for u in organisation.UNITS.values()
                 if u.kind is organisation.UnitKind.district_bureau]
    assert len(districts) == 11
    for district in districts:
        assert len(organisation.offices_of(district.code)) >= 3
        assert organisation.credit_section_of(district.code).name.endswith("信用监管科")
    tianhe = organisation.offices_of("440106")
    assert organisation.same_district_bureau(tianhe[0].code, tianhe[1].code)
    assert not organisation.same_district_bureau(tianhe[0].code,
                                                 organisation.offices_of("440103")[0].code)


@pytest.mark.parametrize("record_type, made_by, district, registered_in, decides", [
    ("penalty_publicity", "44010602", "440106", "440104", "44010602"),   # the office's own
    ("abnormal_operation_list", "44010401", "440104", "440106", "44010401"),
    ("serious_illegal_list", "440106", "440106", None, "44010690"),      # a district bureau's
    ("serious_illegal_list", "440100", "440106", None, "44010690"),      # the city bureau's
    ("penalty_publicity", None, "440105", None, "44010590"),            # no unit of ours
    ("penalty_publicity", "44099901", "440105", None, "44010590"),      # a unit we do not know
    ("other_department_penalty", "44010601", "440106", "440104", "44010490"),
    ("other_department_penalty", None, "440106", None, "44010690"),
])
def test_one_rule_says_which_unit_decides_on_a_record(record_type, made_by, district,
                                                       registered_in, decides):
    assert organisation.deciding_unit(record_type, made_by, district, registered_in) == decides
    section = organisation.unit(organisation.credit_section_code(district))
    assert section == organisation.credit_section_of(district)
    assert section.kind is organisation.UnitKind.credit_section


def test_the_list_of_services_is_the_one_every_part_reads():
    from credit_common import broker_users, db_admin
    from credit_common.testing import isolation
    assert topology.SERVICES == ("intake", "workflow", "notification", "disclosure")
    assert broker_users.SERVICES is db_admin.SERVICES is isolation.SERVICES is topology.SERVICES


def test_log_lines_are_json_and_carry_the_bound_request_id(capsys):
    configure_logging("probe", "INFO", "json")
    structlog.contextvars.bind_contextvars(request_id="req-42")
    try:
        get_logger("probe").info("case opened", acceptance_number="XF-1")
    finally:
        structlog.contextvars.clear_contextvars()
        logging.getLogger().handlers.clear()
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["event"] == "case opened"
    assert line["request_id"] == "req-42"
    assert line["acceptance_number"] == "XF-1"
    assert line["process"] == "probe"


def test_a_line_below_the_level_is_dropped_before_it_is_stamped(capsys, monkeypatch):
    stamped = []
    stamp = structlog.processors.TimeStamper.__call__

    def counting_stamp(self, logger, method, event_dict):
        stamped.append(event_dict["event"])
        return stamp(self, logger, method, event_dict)

    monkeypatch.setattr(structlog.processors.TimeStamper, "__call__", counting_stamp)
    configure_logging("probe", "WARNING", "json")
    try:
        get_logger("probe-levels").info("case opened")
        get_logger("probe-levels").warning("outbox backlog")
    finally:
        logging.getLogger().handlers.clear()
    [line] = [json.loads(out) for out in capsys.readouterr().out.strip().splitlines()]
    assert line["event"] == "outbox backlog"
    assert stamped == ["outbox backlog"]


def test_the_same_sql_gives_back_the_same_parsed_clause():
    from credit_common.sql import text

    clause = text("SELECT id FROM cases WHERE acceptance_number = :n")
    assert clause is text("SELECT id FROM cases WHERE acceptance_number = :n")
    assert list(clause._bindparams) == ["n"]
    assert text("SELECT id FROM cases WHERE id = :id") is not clause


def test_uuid7_is_a_version_7_uuid_that_grows_with_time():
    import time as _time

    from credit_common.ids import uuid7

    first = uuid7()
    _time.sleep(0.002)
    later = [uuid7() for _ in range(1000)]
    assert first.version == 7 and first.variant == uuid.RFC_4122
    assert all(u > first for u in later)
    assert len(set(later)) == 1000
    # the first 48 bits are the creation time in milliseconds
    assert abs((first.int >> 80) - _time.time_ns() // 1_000_000) < 5000


def test_an_id_that_is_no_uuid_reads_as_none():
    from credit_common.ids import uuid_or_none

    found = uuid.uuid4()
    assert uuid_or_none(found) == str(found)
    assert uuid_or_none(str(found).upper()) == str(found)
    assert [uuid_or_none(v) for v in ("", "1; DROP TABLE x", "12345", None)] == [None] * 4


def test_entrypoint_arguments_are_refused_with_the_fields_at_fault():
    from pydantic import BaseModel, ValidationError

    from credit_common.errors import ValidationFailed
    from credit_common.nameko_ext.service import parse_date, validation_error

    class Asked(BaseModel):
        day: int
        items: list[int]

    with pytest.raises(ValidationError) as refused:
        Asked.model_validate({"day": "x", "items": [1, "y"]})
    error = validation_error(refused.value)
    assert (error.code, error.details) == ("VALIDATION_FAILED", {"fields": ["day", "items.1"]})
    assert parse_date("2024-02-29", "day").isoformat() == "2024-02-29"
    with pytest.raises(ValidationFailed) as bad_date:
        parse_date("2023-02-29", "day")
    assert (bad_date.value.code, bad_date.value.details) == ("INVALID_DATE", {"field": "day"})


def test_a_timer_interval_given_as_a_callable_is_read_when_the_service_starts(monkeypatch):
    monkeypatch.setenv("PROBE_INTERVAL_S", "3600")
    entrypoint = Timer(interval=lambda: float(os.environ["PROBE_INTERVAL_S"]))
    monkeypatch.setenv("PROBE_INTERVAL_S", "0.5")  # the process's own, set after import
    entrypoint.setup()
    assert entrypoint.interval == 0.5
    fixed = Timer(interval=30)
    fixed.setup()
    assert fixed.interval == 30


def test_validation_errors_name_each_field_in_chinese():
    from datetime import date

    from pydantic import BaseModel, Field, ValidationError

    from credit_common.contracts.vocabulary import RecordType
    from credit_common.validation import describe, field_errors

    class Line(BaseModel):
        day: date
        kind: RecordType
        months: int = Field(ge=0, le=120)

    with pytest.raises(ValidationError) as raised:
        Line.model_validate({"day": "2026-02-30", "kind": "grey_list", "months": 121})
    errors = field_errors(raised.value, "rules")
    assert [e["field"] for e in errors] == ["rules.day", "rules.kind", "rules.months"]
    assert errors[0]["message"].startswith("不是有效的日期")
    assert errors[1]["message"].startswith("取值无效，可选：'serious_illegal_list'、")
    assert errors[2]["message"] == "不得大于 120"
    assert describe(errors).startswith("rules.day：不是有效的日期")
    assert len(describe(errors * 100, limit=50)) == 50
