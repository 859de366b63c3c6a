"""A property run of the whole API against its own OpenAPI schema, through the
Django WSGI application (no server): generated inputs, up to 20 per operation,
signed in as a supervisor, with every check: no answer is a server error,
every answer matches the schema (status code, content type, headers, body),
schema-valid input is never refused as invalid and schema-invalid input
always is."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks, positive_data_acceptance

from hubiying.wsgi import application

# Every check schemathesis has: the schema states every constraint the server checks,
# so that schema-valid input is taken and anything else refused with a 4xx.
load_all_checks()
ALL_CHECKS = CHECKS.get_all()

# Building the schema reads no rows, so it may happen at collection time.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema", application)
# Rules across parameters that OpenAPI cannot state (a `from` after the `to`): schema-valid
# input may be refused there, with a 400 in the API's shape; every other check holds.
ACROSS_FIELDS = {"GET /api/v1/stats", "GET /api/v1/places"}  # places: lat and lng come together


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Called raw, the WSGI handler closes the connection after each request, and with it
    # the test's transaction on PostgreSQL; Django's own test client keeps it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=20, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_every_operation_answers_within_its_schema_and_never_with_a_server_error(case, cast):
    token, _ = Token.objects.get_or_create(user=cast.supervisor)
    checks = ALL_CHECKS
    if case.operation.label in ACROSS_FIELDS:
        checks = [check for check in ALL_CHECKS if check is not positive_data_acceptance]
    if case.media_type == "multipart/form-data":
        # The two multipart bodies (intake and the reply, for photos): schemathesis makes any bytes a
        # schema-valid photo and takes numbers for text in form data (where a pattern no longer
        # applies), so "valid data must be accepted" cannot hold there; every other check does.
        checks = [check for check in ALL_CHECKS if check is not positive_data_acceptance]
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=checks)
