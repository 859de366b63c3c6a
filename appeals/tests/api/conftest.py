"""Clients for the cast, and helpers shared by the API tests."""

from __future__ import annotations

import pytest

from appeals import services
from appeals.models import Appeal
from appeals.tests.api import api_client


@pytest.fixture
def api(cast):
    """api(user) is an APIClient sending that user's token; api() is anonymous."""
    return api_client


@pytest.fixture
def act(api):
    """act(user, appeal, action, body) posts one action and returns the response."""

    def post(user, appeal: Appeal, action: str, body: dict | None = None):
        return api(user).post(f"/api/v1/appeals/{appeal.pk}/{action}", body or {}, format="json")

    return post


def with_pending_extension(cast, days: int = 2) -> Appeal:
    appeal = cast.appeal_in("signed")
    services.request_extension(appeal, actor=cast.fresh(cast.handler), days=days, reason="需要等待配件到货")
    appeal.refresh_from_db()
    return appeal


def assert_error(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    """The response is an error of the API's one shape."""
    body = response.json()
    assert response.status_code == status, body
    assert set(body) <= {"code", "detail", "field", "errors"} and body["detail"], body
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert body.get("field") == field, body
    return body
