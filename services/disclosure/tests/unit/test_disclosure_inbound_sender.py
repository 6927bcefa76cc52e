"""Who sent an inter-agency message: the broker-checked AMQP user_id, mapped to its agency
(the consumer on the real broker: tests/integration/test_disclosure_inbound_bus.py)."""

from types import SimpleNamespace

import pytest

from disclosure.domain.agency_records import RejectedMessage
from disclosure.inbound import ORIGINAL_USER_HEADER, check_source_agency, sender

OWN = "credit-disclosure"


def refused(user_id, headers=None) -> str:
    with pytest.raises(RejectedMessage) as raised:
        sender(user_id, headers, OWN)
    return raised.value.code


def test_a_partner_user_is_its_agency():
    assert sender("partner-gz-env", None, OWN).agency == "gz-env"


def test_no_user_id_or_a_user_that_is_no_partner_is_refused():
    assert refused(None) == "MISSING_USER_ID"
    assert refused("") == "MISSING_USER_ID"
    assert refused("credit-intake") == "UNKNOWN_PARTNER"
    # only a replay by our own user may name the original sender in a header
    assert sender("partner-gz-env", {ORIGINAL_USER_HEADER: "partner-gz-tax"}, OWN).agency == "gz-env"


def test_a_replay_by_our_own_user_keeps_the_original_sender():
    assert sender(OWN, {ORIGINAL_USER_HEADER: b"partner-gz-tax"}, OWN).agency == "gz-tax"
    assert refused(OWN, {}) == "MISSING_USER_ID"


def test_a_source_agency_that_is_not_the_senders_is_refused():
    partner = sender("partner-gz-env", None, OWN)
    check_source_agency(SimpleNamespace(source_agency="gz-env"), partner)
    with pytest.raises(RejectedMessage) as raised:
        check_source_agency(SimpleNamespace(source_agency="gz-tax"), partner)
    assert raised.value.code == "AGENCY_MISMATCH" and "gz-tax" in raised.value.reason


def test_a_partner_publishes_only_its_own_routing_keys():
    from disclosure.inbound import check_routing_key

    publicity_system = sender("partner-gd-gsxt", None, OWN)
    check_routing_key("annual_report.filed.v1", publicity_system)
    check_routing_key("instant_info.published.v1", publicity_system)
    environment = sender("partner-gz-env", None, OWN)
    check_routing_key("record.upserted.v1", environment)
    for key, partner in (("record.upserted.v1", publicity_system),
                         ("annual_report.filed.v1", environment)):
        with pytest.raises(RejectedMessage) as raised:
            check_routing_key(key, partner)
        assert raised.value.code == "ROUTING_KEY_NOT_ALLOWED"
