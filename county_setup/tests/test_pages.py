"""The set-up pages: administrators and superusers only (residents and other
staff 403, anonymous to the login page), upload → check → apply → first-login
links → the person chooses a password; nothing written on a GET."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from county_setup.models import ImportJob
from organisations.models import Node

from .conftest import book, snapshot

GOOD = book(
    nodes=[{"code": "HTB-Z-XG", "name": "新港社区", "kind": "社区/村", "parent": "HTB-Z"}],
    people=[{"username": "xinren", "full_name": "新人", "phone": "13912345678", "role": "网格员",
             "node": "HTB-Z-XG"}],
)
BAD = book(nodes=[{"code": "HTB-Q", "name": "无上级", "kind": "grid", "parent": "NOPE"}])


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client, data: bytes, name="county.xlsx"):
    return client.post("/work/setup/imports/", {"workbook": SimpleUploadedFile(name, data)}, secure=True)


@pytest.mark.parametrize("role", ["resident", "grid_worker", "handler", "dispatcher", "supervisor", "leader"])
def test_only_administrators_open_the_set_up_pages(cast, role):
    client = _client(getattr(cast, role))
    before = snapshot()
    for url in ("/work/setup/", "/work/setup/template.xlsx"):
        assert client.get(url, secure=True).status_code == 403
    assert client.post("/work/setup/export.xlsx", secure=True).status_code == 403
    assert _upload(client, GOOD).status_code == 403
    assert snapshot() == before
    assert b"/work/setup/" not in client.get("/work/", secure=True).content  # no menu link either


def test_anonymous_is_sent_to_sign_in(cast):
    response = Client().get("/work/setup/", secure=True)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_administrator_sees_the_page_and_the_menu_link(cast, county_admin):
    response = _client(county_admin).get("/work/setup/", secure=True)
    assert response.status_code == 200
    assert 'href="/work/setup/" aria-current="page"' in response.content.decode()
    assert "呼图壁县" in response.content.decode()


def test_upload_check_apply_and_the_first_login_link(cast, county_admin):
    client = _client(county_admin)
    response = _upload(client, GOOD)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/work/setup/imports/{job.token}/"
    assert job.state == "checked" and not Node.objects.filter(code="HTB-Z-XG").exists()
    page = client.get(response["Location"], secure=True).content.decode()
    assert "导入工作簿" in page and "新建" in page
    response = client.post(f"/work/setup/imports/{job.token}/apply/", secure=True)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "applied" and Node.objects.filter(code="HTB-Z-XG").exists()
    page = client.get(f"/work/setup/imports/{job.token}/", secure=True).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    link = page.split('value="https://testserver')[1].split('"')[0]
    assert link.startswith("/work/setup/welcome/")
    links = client.get(f"/work/setup/imports/{job.token}/links.xlsx", secure=True)
    assert links.status_code == 200 and links["Content-Disposition"].startswith("attachment")
    # Applied once: a second apply is refused.
    assert client.post(f"/work/setup/imports/{job.token}/apply/", secure=True, follow=True).status_code == 200
    assert ImportJob.objects.get().state == "applied"

    person = Client()
    assert person.get(link, secure=True).status_code == 200
    response = person.post(link, {"new_password1": "Huabei-2026-xin", "new_password2": "Huabei-2026-xin"},
                           secure=True)
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert get_user_model().objects.get(username="xinren").check_password("Huabei-2026-xin")
    assert person.get(link, secure=True).status_code == 404  # once only
    assert person.login(username="xinren", password="Huabei-2026-xin")


def test_a_refused_workbook_cannot_be_applied(cast, admin_client):
    _upload(admin_client, BAD)
    job = ImportJob.objects.get()
    assert job.state == "refused"
    page = admin_client.get(f"/work/setup/imports/{job.token}/", secure=True).content.decode()
    assert "本表和系统中都没有编码为 NOPE 的节点。" in page and "行政区划 第 2 行「上级编码」列" in page
    before = snapshot()
    admin_client.post(f"/work/setup/imports/{job.token}/apply/", secure=True)
    assert snapshot() == before and ImportJob.objects.get().state == "refused"


def test_a_file_that_is_not_a_workbook_gets_a_message(cast, admin_client):
    response = _upload(admin_client, b"hello", "notes.txt")
    assert response.status_code == 302 and response["Location"] == "/work/setup/"
    page = admin_client.get("/work/setup/", secure=True).content.decode()
    assert "此文件不是 Excel 工作簿" in page and not ImportJob.objects.exists()
    assert admin_client.post("/work/setup/imports/", {}, secure=True).status_code == 302


def test_somebody_elses_import_is_not_found(cast, county_admin, admin_client):
    _upload(admin_client, GOOD)
    job = ImportJob.objects.get()
    client = _client(county_admin)
    for suffix in ("", "status", "links.xlsx"):
        assert client.get(f"/work/setup/imports/{job.token}/{suffix}", secure=True).status_code == 404
    assert client.post(f"/work/setup/imports/{job.token}/apply/", secure=True).status_code == 404


def test_a_bad_first_login_link_says_so(cast):
    response = Client().get("/work/setup/welcome/MQ/nope/", secure=True)
    assert response.status_code == 404 and "此链接已失效" in response.content.decode()


def test_no_set_up_page_writes_on_a_get(cast, admin_client):
    _upload(admin_client, GOOD)
    job = ImportJob.objects.get()
    admin_client.post(f"/work/setup/imports/{job.token}/apply/", secure=True)
    urls = ["/work/setup/", "/work/setup/template.xlsx", f"/work/setup/imports/{job.token}/",
            f"/work/setup/imports/{job.token}/status", f"/work/setup/imports/{job.token}/links.xlsx"]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url, secure=True).status_code == 200
        writes = [q["sql"] for q in queries.captured_queries
                  if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        assert not writes, (url, writes)
