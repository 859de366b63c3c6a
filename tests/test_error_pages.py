"""Every error page is the app's own, in Chinese, with a way back: never
Django's debug pages (DEBUG is off unless set)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def quiet_client():
    client = Client(raise_request_exception=False)
    return client


def test_an_unknown_address_is_the_apps_404_in_chinese(db, quiet_client):
    response = quiet_client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404 and "没有找到页面" in body and 'href="/"' in body
    assert "Page not found" not in body and "URLconf" not in body


def test_a_page_outside_ones_role_is_the_apps_403(cast, quiet_client):
    quiet_client.force_login(cast.resident)
    response = quiet_client.get("/work/overdue/")
    body = response.content.decode()
    assert response.status_code == 403 and "无权" in body and 'href="/"' in body


def test_a_server_error_is_the_apps_500_without_a_database(db, quiet_client, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr("appeals.views.public.render", lambda *a, **k: broken(None))
    response = quiet_client.get("/")
    body = response.content.decode()
    assert response.status_code == 500 and "出了点问题" in body and 'href="/"' in body
    assert "Traceback" not in body and "boom" not in body
