"""``python -m gateway.openapi_document [FILE]``: the gateway's OpenAPI document as production
serves it (no development routes), written where the web pages generate their API types from,
and beside it the vocabulary's Chinese labels the pages show."""

from __future__ import annotations

import json
import pathlib
import sys

from credit_common.contracts.vocabulary import every_label
from gateway.core.config import GatewaySettings
from gateway.main import create_app

TYPES_SOURCE = pathlib.Path(__file__).resolve().parents[2] / "web/shared/src/api/openapi.json"
VOCABULARY = TYPES_SOURCE.with_name("vocabulary.json")


def document() -> str:
    # the routes production serves; development settings only spare it a real secret
    app = create_app(GatewaySettings(APP_ENV="development", DEV_MODE=False))
    return json.dumps(app.openapi(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def vocabulary_document() -> str:
    # in the members' order: a page lists a vocabulary as Python declares it
    return json.dumps(every_label(), ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    target = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else TYPES_SOURCE
    target.write_text(document(), encoding="utf-8")
    VOCABULARY.write_text(vocabulary_document(), encoding="utf-8")
    print(f"OpenAPI document written to {target}, the vocabulary's labels to {VOCABULARY}")


if __name__ == "__main__":
    main()
