"""Schemathesis generates requests for every operation of the OpenAPI document, valid
(positive) and invalid (negative), and sends them with an officer's token: none may
answer with a server error.
Bounded (LENTERA_SCHEMATHESIS_EXAMPLES per operation, default 30) to keep CI short;
run on SQLite and PostgreSQL as the whole suite is."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, status_code_conformance

from lentera.accounts.services import issue_token
from lentera.documents.services import add_document
from lentera.testing import new_item, pdf_upload, publish_item

EXAMPLES = int(os.environ.get("LENTERA_SCHEMATHESIS_EXAMPLES", "30"))


@pytest.fixture
def api_schema(db, world):
    published = new_item(world, title="Laporan Kinerja 2025")
    add_document(published, world.officer, pdf_upload())
    publish_item(world, published)
    new_item(world, title="Rencana Kerja 2026")  # one still in its SOP
    # The WSGI handler closes the database connection after each request, which would
    # end the test's transaction; Django's test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world) -> str:
    return issue_token(world.officer, name="schemathesis")[1]


# Schemathesis' pytest plugin does not run under this pytest: each operation's cases
# are drawn with Hypothesis here instead.
@pytest.mark.django_db
def test_no_request_makes_the_api_fail(api_schema, token):
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "id"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15  # every operation of the document

    cases = [
        operation.as_strategy(generation_mode=mode)
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    ]
    for strategy in cases:

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def send(case):
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, status_code_conformance]
            )

        send()
