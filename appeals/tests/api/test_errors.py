"""Every error anywhere in the API has the shape {"code", "detail"}."""

from __future__ import annotations

from rest_framework import exceptions

from appeals.api_errors import exception_handler, first_error

from .conftest import assert_error


def test_unknown_endpoint_answers_json_404(api):
    assert_error(api().get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(api().get("/api/v1/appeals/abc"), 404, "not_found")


def test_bad_token_is_401_with_the_shape(db, api):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(client.get("/api/v1/me"), 401, "authentication_failed")


def test_unsupported_media_type_is_415(cast, api):
    response = api().post("/api/v1/appeals", data="<xml/>", content_type="application/xml")
    assert_error(response, 415, "unsupported_media_type")


def test_validation_errors_name_the_first_field():
    error = exceptions.ValidationError({"co_units": {0: ["A valid integer is required."]}, "unit": ["Required."]})
    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {"code": "invalid", "detail": "A valid integer is required.", "field": "co_units.0"}


def test_errors_not_tied_to_a_field_have_no_field():
    assert first_error({"non_field_errors": ["Invalid data."]}) == ("", "Invalid data.")
    response = exception_handler(exceptions.ValidationError(["Invalid data."]), {})
    assert response.data == {"code": "invalid", "detail": "Invalid data."}


def test_throttling_keeps_retry_after():
    response = exception_handler(exceptions.Throttled(wait=30), {})
    assert response.status_code == 429 and response.data["code"] == "throttled"
    assert response["Retry-After"] == "30"


def test_an_unexpected_error_is_a_json_500_not_a_page():
    response = exception_handler(ZeroDivisionError("boom"), {})
    assert response.status_code == 500
    assert response.data["code"] == "server_error" and "boom" not in response.data["detail"]


def test_out_of_range_numbers_are_400_not_a_crash(cast, api):
    client = api(cast.dispatcher)
    assert_error(client.get("/api/v1/appeals", {"unit": 10**25}), 400, "invalid", "unit")
    assert_error(client.get("/api/v1/appeals/99999999999999999999999"), 404, "not_found")
    appeal = cast.submit()
    assert_error(client.post(f"/api/v1/appeals/{appeal.pk}/merge", {"into": 10**25}, format="json"), 400, "invalid",
                 "into")


def test_strange_tracking_numbers_are_404_not_a_crash(db, api):
    assert_error(api().get("/api/v1/track/HBY%00x"), 404, "not_found")
    assert_error(api().post("/api/v1/track/HBY%00x/evaluate", {}, format="json"), 404, "not_found")
    assert_error(api().get("/api/v1/track/" + "9" * 300), 404, "not_found")
