"""Resident ID and mobile numbers masked in free text (``mask_personal_data``), in every field
of every log line (``mask_log_fields``), and in the headers a failed event is retried or
dead-lettered with."""

from __future__ import annotations

import json
import logging
import types
from datetime import date

import structlog
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from credit_common.identity import mask_document, mask_personal_data, mask_phone
from credit_common.logging import configure_logging, get_logger, mask_log_fields
from credit_common.testing.log_scan import scan_logs, unmasked_personal_data

#: what the end-to-end log scan looks for
unmasked = unmasked_personal_data


@st.composite
def resident_ids(draw) -> str:
    region = draw(st.sampled_from(["110101", "440106", "310115", "510104", "650102"]))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    body = region + born.strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")


mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}",
                    st.sampled_from("3456789"), st.integers(0, 10**9 - 1))
#: text around a number: anything but a digit right next to it
surroundings = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                              blacklist_characters="0123456789"), max_size=30)


def test_the_public_views_rules_are_used():
    resident_id = "44010619900101123" + ric.calc_check_digit("44010619900101123" + "0")
    assert mask_personal_data(f"证件 {resident_id} 电话 13800138000") == \
        f"证件 {mask_document(resident_id)} 电话 {mask_phone('13800138000')}"
    assert mask_personal_data("证件 " + resident_id) == "证件 4401************" + resident_id[-2:]
    assert mask_personal_data("tel:+8613800138000;") == "tel:+86138****8000;"
    assert mask_personal_data("/api/v1/dev/sms?phone=13912345678&x=1") == \
        "/api/v1/dev/sms?phone=139****5678&x=1"
    assert mask_personal_data('Key (phone)=(13912345678) already exists.') == \
        'Key (phone)=(139****5678) already exists.'
    assert mask_personal_data("11010119900307777x") == "1101************7x"


def test_other_numbers_are_left_alone():
    for text in ("1764032112345678901",                         # an epoch in nanoseconds
                 "123456789012",                                # 12 digits: not a mobile
                 "12345678901",                                 # 11, but no mobile prefix
                 "XF-440106-20261124-000001",                   # an acceptance number
                 "91440106MA59ABCD1M",                          # a USCC
                 "0a1b2c3d-1380-0138-0000-a13800138000",        # a request id
                 "44010619901301123X"):                         # month 13: not an ID
        assert mask_personal_data(text) == text


@settings(max_examples=300)
@given(before=surroundings, number=resident_ids(), after=surroundings)
def test_a_resident_id_anywhere_in_text_is_masked(before, number, after):
    masked = mask_personal_data(before + number + after)
    assert masked == before + mask_document(number) + after
    assert not unmasked(masked)


@settings(max_examples=300)
@given(before=surroundings, number=mobiles, after=surroundings)
def test_a_mobile_anywhere_in_text_is_masked(before, number, after):
    masked = mask_personal_data(before + number + after)
    assert number not in masked and not unmasked(masked)
    assert number[:3] + "****" + number[-4:] in masked


@settings(max_examples=200)
@given(parts=st.lists(st.one_of(resident_ids(), mobiles, surroundings), max_size=8))
def test_nothing_unmasked_survives_in_any_mixture(parts):
    text = " ".join(parts)
    assert not unmasked(mask_personal_data(text))
    assert mask_personal_data(mask_personal_data(text)) == mask_personal_data(text)


def test_every_field_of_a_line_is_masked_nested_ones_and_numbers_included():
    masked = mask_log_fields(None, "info", {
        "event": "login for 13800138000",
        "phone": 13800138000,
        "request": {"path": "/x?phone=13900139000", "ids": ["110101199003077777", 7]},
        "pair": ("13700137000", True, None, 1.5),
        "object": types.SimpleNamespace(phone="13600136000"),
        "count": 12,
    })
    assert masked["event"] == "login for 138****8000"
    assert masked["phone"] == "138****8000"
    assert masked["request"] == {"path": "/x?phone=139****9000",
                                 "ids": ["1101************77", 7]}
    assert masked["pair"] == ["137****7000", True, None, 1.5]
    assert "136****6000" in masked["object"]
    assert masked["count"] == 12


def test_a_log_line_and_its_exception_text_are_masked(capsys):
    configure_logging("probe", "INFO", "json")
    try:
        try:
            raise ValueError("duplicate key (phone)=(13800138000), id 110101199003077777")
        except ValueError:
            get_logger("probe").exception("failed for 13912345678", extra={"to": "13712345678"})
        # a library logging through the standard library goes through the same formatter
        logging.getLogger("some.library").warning("sms to %s sent", "13612345678")
    finally:
        logging.getLogger().handlers.clear()
        structlog.contextvars.clear_contextvars()
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert lines[0]["event"] == "failed for 139****5678"
    assert "(phone)=(138****8000), id 1101************77" in lines[0]["exception"]
    assert lines[0]["extra"] == {"to": "137****5678"}
    assert lines[1]["event"] == "sms to 136****5678 sent"
    assert not unmasked(out)


def test_a_retried_or_dead_lettered_event_carries_masked_errors():
    from credit_common.nameko_ext.entrypoints import RETRY_COUNT_HEADER, Subscribe

    published = []
    handler = Subscribe.__new__(Subscribe)
    handler.subscription = types.SimpleNamespace(queue="intake--workflow.case_status_changed")
    handler.retry_queues = [types.SimpleNamespace(name="retry-1")]
    handler.retry_delays = [100]
    handler.dead_letter_queue = types.SimpleNamespace(name="dlq")
    handler._republish = lambda body, message, queue, headers: published.append(
        (queue.name, headers))
    message = types.SimpleNamespace(headers={}, payload={}, properties={})
    error = ValueError("bad contact 13800138000 / 110101199003077777")

    handler._retry_or_dead_letter(message, (ValueError, error, None))
    message.headers = {RETRY_COUNT_HEADER: 1}
    handler._retry_or_dead_letter(message, (ValueError, error, None))
    handler._dead_letter({}, message, "invalid envelope: input_value='13912345678'")

    [(retry, first), (dead, second), (_, third)] = published
    assert (retry, dead) == ("retry-1", "dlq")
    assert first["x-last-error"] == "ValueError: bad contact 138****8000 / 1101************77"
    assert second["x-dead-letter-reason"] == first["x-last-error"]
    assert third["x-dead-letter-reason"] == "invalid envelope: input_value='139****5678'"
    assert not unmasked(json.dumps(published))


def test_the_log_scan_finds_what_escaped_and_counts_lines(tmp_path):
    resident_id = "44010619900101123" + ric.calc_check_digit("44010619900101123" + "0")
    (tmp_path / "a.log").write_text('{"event": "ok 138****8000"}\n{"event": "x"}\n')
    (tmp_path / "b.log").write_text(f"Traceback: {resident_id}\nphone=13800138000\n"
                                    "request 0a1b2c3d-1380-0138-0000-a13800138000\n")
    scan = scan_logs(tmp_path)
    assert (scan.places, scan.items) == (2, 5)
    assert scan.leaks == [("b.log", 1, resident_id), ("b.log", 2, "13800138000")]
    assert "scanned 5 log lines in 2 files: 2 unmasked" in scan.summary()
