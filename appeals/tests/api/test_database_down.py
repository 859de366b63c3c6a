"""While the database restarts, the API says "try again" (503), not 500."""

from unittest import mock

from django.db import OperationalError


def test_intake_answers_503_with_retry_after_when_the_database_is_down(api, cast):
    with mock.patch("appeals.api.services.create_appeal", side_effect=OperationalError("shutting down")):
        response = api().post("/api/v1/appeals", cast.intake_data(), format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert response["Retry-After"] == "2"
