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


def test_wrong_password_is_403_with_code_and_detail(cast):
    response = APIClient().post("/api/v1/auth/token", {"username": "handler", "password": "nope"}, format="json")
    body = assert_error(response, 403, "invalid_credentials")
    assert "token" not in body


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(cast):
    response = APIClient().post("/api/v1/auth/token", {"username": "nobody", "password": "pw"}, format="json")
    assert_error(response, 403, "invalid_credentials")


def test_inactive_user_gets_no_token(cast):
    cast.handler.is_active = False
    cast.handler.save()
    response = APIClient().post("/api/v1/auth/token", {"username": "handler", "password": "pw"}, format="json")
    assert_error(response, 403, "invalid_credentials")


def test_missing_password_names_the_field(cast):
    response = APIClient().post("/api/v1/auth/token", {"username": "handler"}, format="json")
    assert_error(response, 400, "invalid", "password")


def test_a_stale_token_header_does_not_block_signing_in(cast):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token expired-token")
    response = client.post("/api/v1/auth/token", {"username": "handler", "password": "pw"}, format="json")
    assert response.status_code == 200


def test_guessing_passwords_is_stopped_per_client_and_per_account(cast, settings):
    settings.HUBIYING_RATE_LIMITS = {**settings.HUBIYING_RATE_LIMITS, "sign-in": (3, 300), "sign-in-user": (2, 900)}
    client = APIClient()
    tries = [client.post("/api/v1/auth/token", {"username": "handler", "password": f"x{i}"}, format="json")
             for i in range(3)]
    assert [t.status_code for t in tries] == [403, 403, 429]  # the account's limit, from any client
    assert int(tries[-1]["Retry-After"]) >= 1
    other = APIClient()
    answers = [other.post("/api/v1/auth/token", {"username": f"u{i}", "password": "x"}, format="json",
                          REMOTE_ADDR="10.1.1.1") for i in range(4)]
    assert [a.status_code for a in answers] == [403, 403, 403, 429]  # the client's limit
    # The right password is refused too while the account is locked: a guess cannot tell.
    locked = APIClient().post("/api/v1/auth/token", {"username": "handler", "password": "pw"}, format="json",
                              REMOTE_ADDR="10.2.2.2")
    assert locked.status_code == 429
