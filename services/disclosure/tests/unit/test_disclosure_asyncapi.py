"""The AsyncAPI document of the inter-agency bus agrees with the code: its examples validate
against the message models, and its exchange and routing keys are the topology's."""

import importlib
import pathlib

import pytest
import yaml

from credit_common.contracts import interagency
from credit_common.topology import (INTERAGENCY_EXCHANGE, INTERAGENCY_INBOUND_BINDINGS,
                                   INTERAGENCY_OUTBOUND_ROUTING_KEYS)

DOCUMENT = yaml.safe_load((pathlib.Path(__file__).resolve().parents[2] / "asyncapi.yaml")
                          .read_text(encoding="utf-8"))
MESSAGES = DOCUMENT["components"]["messages"]


def model(path):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_every_example_validates_against_its_model(name):
    message = MESSAGES[name]
    assert message["examples"], f"{name} has no example"
    for example in message["examples"]:
        parsed = model(message["x-model"]).model_validate(example["payload"])
        assert set(message["payload"]["required"]) <= set(parsed.model_dump())


def test_the_examples_are_refused_when_broken():
    example = dict(MESSAGES["RecordUpserted"]["examples"][0]["payload"])
    interagency.RecordUpserted.model_validate(example)
    for broken in ({"schema_version": "2.0"}, {"payload": {**example["payload"],
                                                           "subject_code": None}}):
        with pytest.raises(ValueError):
            interagency.RecordUpserted.model_validate({**example, **broken})
    missing = {k: v for k, v in example.items() if k != "occurred_at"}
    with pytest.raises(ValueError):
        interagency.RecordUpserted.model_validate(missing)


def test_channels_match_the_topology():
    channels = DOCUMENT["channels"]
    for channel in channels.values():
        assert channel["bindings"]["amqp"]["exchange"]["name"] == INTERAGENCY_EXCHANGE
    inbound = {key for key, channel in channels.items() if "publish" in channel}
    assert inbound == set(INTERAGENCY_INBOUND_BINDINGS) == set(interagency.INBOUND_MESSAGES)
    outbound = {key for key, channel in channels.items() if "subscribe" in channel}
    assert outbound == {interagency.PUBLICITY_CHANGED, interagency.PENALTY_WITHDRAWN} == set(
        interagency.OUTBOUND_ROUTING_KEYS) == set(INTERAGENCY_OUTBOUND_ROUTING_KEYS)
