"""The pages' API types are generated from the committed OpenAPI document, and their labels
read from the committed vocabulary: each must be the gateway's, or a page would drift from the
API (`make openapi` regenerates both)."""

from gateway.openapi_document import TYPES_SOURCE, VOCABULARY, document, vocabulary_document


def test_the_committed_openapi_document_is_the_gateways():
    assert TYPES_SOURCE.read_text(encoding="utf-8") == document(), (
        "web/shared/src/api/openapi.json is stale: run `make openapi` and commit the result")


def test_the_committed_vocabulary_is_credit_commons():
    assert VOCABULARY.read_text(encoding="utf-8") == vocabulary_document(), (
        "web/shared/src/api/vocabulary.json is stale: run `make openapi` and commit the result")
