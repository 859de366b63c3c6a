"""The property run of tests/chaos/test_api_schema_fuzz.py, for Open311: its
own OpenAPI document (the one /open311/v2/openapi.json serves, with the test
county's service codes), generated inputs up to 20 per operation through the
WSGI application, every check of schemathesis. The generator writes with a
registered client's key (so that the intake itself is run), and the public
list is on."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import CHECKS, load_all_checks, positive_data_acceptance

from hubiying.wsgi import application
from open311.schema import document

from .test_api_schema_fuzz import _keep_the_test_connection  # noqa: F401  (the same connection handling)

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
# Rules across fields that OpenAPI 3.0 cannot state: a start_date after the end_date, lat
# without long, a tracking number or api_key that is well formed but not issued. Schema-valid
# input may be refused there (with a 4xx in the spec's shape); every other check holds.
ACROSS_FIELDS = {"requests", "create_request", "updates", "create_update"}


# Built at collection time, when no rows may be read: the codes are those of the `cast` fixture.
KEY = "fuzz-open311-key"
schema = schemathesis.openapi.from_dict(document(codes=["WY-DT", "SZ-LD"], api_keys=[KEY]))
schema.app = application


@pytest.fixture(autouse=True)
def _public_list_and_a_client(cast):
    from analysis.models import FigureSettings
    from open311 import keys
    from open311.models import ApiClient

    FigureSettings.objects.create(public_requests=True)
    keys.issue(ApiClient(name="fuzz"), KEY)


@schema.parametrize()
@hypothesis_settings(
    max_examples=20, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_every_open311_operation_answers_within_its_schema(case):
    checks = ALL_CHECKS
    if case.operation.definition.raw.get("operationId") in ACROSS_FIELDS:
        checks = [check for check in ALL_CHECKS if check is not positive_data_acceptance]
    case.call_and_validate(checks=checks)
