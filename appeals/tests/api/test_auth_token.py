"""POST /api/v1/auth/token and token authentication."""

from __future__ import annotations

from rest_framework.test import APIClient

from .conftest import assert_error


def test_right_password_gives_a_token_that_signs_the_caller_in(cast):
    client = APIClient()
    response = client.post("/api/v1/auth/token", {"username": "handler", "password": "pw"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me").json()["username"] == "handler"


def test_asking_twice_gives_the_same_token(cast):
    client = APIClient()
    first = client.post("/api/v1/auth/token", {"username": "resident", "password": "pw"}, format="json")
    second = client.post("/api/v1/auth/token", {"username": "resident", "password": "pw"}, format="json")
    assert first.json()["token"] == second.json()["token"]


def test_wrong_password_is_400_with_code_and_detail(cast):
    response = APIClient().post("/api/v1/auth/token", {"username": "handler", "password": "nope"}, format="json")
    body = assert_error(response, 400, "invalid_credentials")
    assert "token" not in body


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(cast):
    response = APIClient().post("/api/v1/auth/token", {"username": "nobody", "password": "pw"}, format="json")
    assert_error(response, 400, "invalid_credentials")


def test_inactive_user_gets_no_token(cast):
    cast.handler.is_active = False
    cast.handler.save()
    response = APIClient().post("/api/v1/auth/token", {"username": "handler", "password": "pw"}, format="json")
    assert_error(response, 400, "invalid_credentials")


def test_missing_password_names_the_field(cast):
    response = APIClient().post("/api/v1/auth/token", {"username": "handler"}, format="json")
    assert_error(response, 400, "invalid", "password")


def test_a_stale_token_header_does_not_block_signing_in(cast):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token expired-token")
    response = client.post("/api/v1/auth/token", {"username": "handler", "password": "pw"}, format="json")
    assert response.status_code == 200
