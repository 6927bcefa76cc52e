"""The pages' API types are generated from the committed OpenAPI document: it must be the
one the gateway serves, or a page would drift from the API (`make openapi` regenerates both)."""

from gateway.openapi_document import TYPES_SOURCE, document


def test_the_committed_openapi_document_is_the_gateways():
    assert TYPES_SOURCE.read_text(encoding="utf-8") == document(), (
        "web/shared/src/api/openapi.json is stale: run `make openapi` and commit the result")
