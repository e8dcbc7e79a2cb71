"""The OpenAPI document is committed (docs/openapi.json) for developers and clients to
read without a server: it must be what the server serves, and valid OpenAPI."""

import json
from pathlib import Path

from openapi_spec_validator import validate

import lentera

COMMITTED = Path(lentera.__file__).resolve().parents[2] / "docs" / "openapi.json"
EXPORT = (
    "lentera export_openapi_schema --api lentera.api.v1.api --indent 1 --sorted "
    "--output docs/openapi.json"
)


def test_the_committed_document_is_the_served_one(client, db):
    served = client.get("/api/v1/openapi.json").json()
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert served == committed, f"docs/openapi.json is stale: run {EXPORT}"


def test_the_document_is_valid_openapi():
    validate(json.loads(COMMITTED.read_text(encoding="utf-8")))
