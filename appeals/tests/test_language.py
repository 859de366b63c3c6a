"""Chinese is the default language of every page; English is one click away."""

import pytest


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client):
    page = client.get("/submit/").content.decode()
    assert "提交" in page
    assert "Submit" not in page


@pytest.mark.django_db
def test_an_api_refusal_is_a_chinese_sentence(client):
    body = {"category": "nope", "type": "help", "title": "路灯", "description": "路灯不亮", "address": "花城小区",
            "contact_name": "王", "contact_phone": "13899912345", "urgency": "normal"}
    response = client.post("/api/v1/appeals", body, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_category"
    assert "分类" in response.json()["detail"]


@pytest.mark.django_db
def test_english_is_available(client):
    client.cookies["django_language"] = "en"
    assert "Submit" in client.get("/submit/").content.decode()


def test_workbench_speaks_chinese_to_staff(cast, client):
    client.force_login(cast.dispatcher)
    page = client.get("/work/").content.decode()
    assert "工作台" in page


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_english_is_chosen(client):
    page = client.get("/submit/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "提交" in page
