"""The requests behind a figure, exported to Excel: at once for a few rows, by the
worker with a progress page for more; the file is its maker's alone, holds no
personal data and goes after 7 days."""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from analysis import jobs, request_lists
from analysis.models import ExportJob
from appeals import services
from notifications import worker
from organisations.models import Role

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _history(cast):
    replied = [cast.appeal_in("replied") for _ in range(3)]
    cast.appeal_in("submitted")
    dissatisfied = cast.appeal_in("replied")
    services.evaluate(dissatisfied, actor=cast.fresh(cast.resident), rating="dissatisfied")
    return [*replied, dissatisfied]


def _query(cast, figure="replied"):
    return f"scope={cast.county.pk}&p=month&figure={figure}"


def _rows(content: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(content)).active.values)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_page_has_the_export_button_and_a_small_export_downloads_at_once(cast):
    replied = _history(cast)
    client = _client(cast.leader)
    page = client.get(f"/work/figures/requests/?{_query(cast)}").content.decode()
    form = re.search(r'<form class="export-requests" method="post" action="([^"]+)">', page)
    assert form and "csrfmiddlewaretoken" in page
    response = client.post(form.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="hubiying-requests-')
    rows = _rows(response.content)
    assert "已答复" in rows[0][0]  # the figure
    assert "呼图壁县" in rows[1][0] and str(timezone.localdate().replace(day=1)) in rows[1][0]  # scope, period
    assert rows[2][0].startswith("导出时间")
    assert rows[3][0] == _("A figures export: no names, phone numbers or addresses of residents.")
    header = rows[5]
    assert header[0] == "受理编号" and "主办单位" in header and "当前超期" in header
    data = rows[6:]
    assert sorted(r[0] for r in data) == sorted(a.tracking_no for a in replied)  # the rows the page lists
    first = dict(zip(header, data[0], strict=True))
    assert first["主办单位"] == "花城社区居委会"
    assert first[_("Place")].startswith("呼图壁县 › 呼图壁镇 › 花城社区")
    assert first[_("First reply at")] is not None and first["当前超期"] == _("No")
    cells = " ".join(str(c) for row in rows for c in row if c is not None)
    for personal in ("13899912345", "王秀兰", "3号楼"):  # the resident's phone, name and address
        assert personal not in cells


def test_get_never_makes_an_export_and_bad_choices_are_refused(cast):
    _history(cast)
    client = _client(cast.leader)
    assert client.get(f"/work/figures/requests/export/?{_query(cast)}").status_code == 405
    client.get(f"/work/figures/requests/?{_query(cast)}")
    assert not ExportJob.objects.exists()
    # A scope out of reach: back to the page, which says why; no file, no job.
    refused = client.post(f"/work/figures/requests/export/?scope={cast.other_town.pk}&p=month", follow=True)
    assert "您无权查看这个范围的统计数据。" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html") and not ExportJob.objects.exists()
    assert _client(cast.resident).post(f"/work/figures/requests/export/?{_query(cast)}").status_code == 403


@pytest.fixture
def long_export(cast, monkeypatch):
    """Four replied requests, over the (lowered) limit of an export at once: a queued job."""
    monkeypatch.setattr(jobs, "EXPORT_INLINE_ROWS", 2)
    replied = _history(cast)
    response = _client(cast.leader).post(f"/work/figures/requests/export/?{_query(cast)}")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/work/figures/exports/{job.token}/"
    return job, replied


def test_a_long_export_is_made_by_the_worker_with_its_progress(cast, long_export, monkeypatch, settings):
    job, replied = long_export
    client = _client(cast.leader)
    assert job.state == "queued" and job.params["scope"] == str(cast.county.pk)
    page = client.get(f"/work/figures/exports/{job.token}/").content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page and "export_progress.js" in page
    assert f"/work/figures/exports/{job.token}/download" not in page
    status = client.get(f"/work/figures/exports/{job.token}/status").json()
    assert status["state"] == "queued" and status["done"] == 0 and status["download"] is None
    assert client.get(f"/work/figures/exports/{job.token}/download").status_code == 404  # not made yet

    monkeypatch.setattr(request_lists, "BATCH", 1)
    seen = []  # what the progress page would read after each batch
    real_write = jobs.write

    def watched(target, listing, rows, progress=None):
        def report(n):
            progress(n)
            seen.append(client.get(f"/work/figures/exports/{job.token}/status").json()["done"])
        return real_write(target, listing, rows, progress=report)

    monkeypatch.setattr(jobs, "write", watched)
    assert jobs.run_pending() == 1
    assert seen == [1, 2, 3, 4]
    status = client.get(f"/work/figures/exports/{job.token}/status").json()
    assert status["state"] == "done" and status["done"] == status["total"] == 4 and status["percent"] == 100
    assert status["download"] == f"/work/figures/exports/{job.token}/download"
    page = client.get(f"/work/figures/exports/{job.token}/").content.decode()
    assert status["download"] in page and 'http-equiv="refresh"' not in page

    job.refresh_from_db()
    assert job.file.startswith("exports/") and job.token not in job.file  # its own random name
    assert (settings.MEDIA_ROOT / job.file).is_file()
    download = client.get(status["download"])
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    rows = _rows(_body(download))
    assert "已答复" in rows[0][0] and rows[5][0] == "受理编号"
    assert sorted(r[0] for r in rows[6:]) == sorted(a.tracking_no for a in replied)
    assert jobs.run_pending() == 0  # nothing left to do


def test_only_its_maker_sees_or_downloads_an_export(cast, long_export):
    job, _replied = long_export
    jobs.run_pending()
    for other in (cast.supervisor, cast.admin, cast.handler):
        client = _client(other)
        assert client.get(f"/work/figures/exports/{job.token}/").status_code == 404
        assert client.get(f"/work/figures/exports/{job.token}/status").status_code == 404
        assert client.get(f"/work/figures/exports/{job.token}/download").status_code == 404
    anonymous = Client().get(f"/work/figures/exports/{job.token}/download")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_a_job_whose_maker_lost_the_scope_fails_with_the_reason(cast, long_export, settings):
    job, _replied = long_export
    Role.objects.filter(user=cast.leader).update(node=cast.other_town)  # moved to 延安北路街道
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.state == "failed" and "您无权查看这个范围的统计数据。" in job.error and not job.file
    folder = settings.MEDIA_ROOT / "exports"
    assert not folder.exists() or not any(folder.iterdir())  # no file, not even a part of one
    client = _client(cast.leader)
    page = client.get(f"/work/figures/exports/{job.token}/").content.decode()
    assert "您无权查看这个范围的统计数据。" in page
    assert client.get(f"/work/figures/exports/{job.token}/status").json()["state"] == "failed"
    assert client.get(f"/work/figures/exports/{job.token}/download").status_code == 404


def test_a_job_taken_by_one_worker_is_not_run_by_another(cast, long_export):
    job, _replied = long_export
    ExportJob.objects.filter(pk=job.pk).update(state="running")  # another worker took it
    assert jobs.run_pending() == 0
    job.refresh_from_db()
    assert job.state == "running" and job.done == 0 and not job.file
    ExportJob.objects.filter(pk=job.pk).update(state="queued")
    assert jobs.run_pending() == 1 and jobs.run_pending() == 0


def test_the_worker_loop_makes_the_exports(cast, long_export):
    job, _replied = long_export
    assert worker.deliver().exports == 0  # delivery never waits for an export
    assert worker.exports().exports == 1
    job.refresh_from_db()
    assert job.state == "done" and job.total == 4


def test_exports_older_than_seven_days_are_deleted(cast, long_export, settings):
    job, _replied = long_export
    jobs.run_pending()
    job.refresh_from_db()
    old_file = settings.MEDIA_ROOT / job.file
    fresh = ExportJob.objects.create(token="f" * 32, user=cast.leader, kind="requests", state="done",
                                     file="exports/fresh.xlsx")
    (settings.MEDIA_ROOT / fresh.file).write_bytes(b"fresh")
    left = settings.MEDIA_ROOT / "exports" / "left-by-a-crash.xlsx.part"
    left.write_bytes(b"part")
    eight_days = time.time() - 8 * 86400
    os.utime(left, (eight_days, eight_days))
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    jobs.run_pending()
    assert not old_file.exists() and not left.exists()
    assert list(ExportJob.objects.values_list("token", flat=True)) == [fresh.token]
    assert (settings.MEDIA_ROOT / fresh.file).exists()
    assert _client(cast.leader).get(f"/work/figures/exports/{job.token}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_workers_never_run_the_same_job(cast, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL")
    monkeypatch.setattr(jobs, "EXPORT_INLINE_ROWS", 2)
    _history(cast)
    _client(cast.leader).post(f"/work/figures/requests/export/?{_query(cast)}")
    job = ExportJob.objects.get()

    def in_thread(fn):
        out = []

        def target():
            try:
                out.append(fn())
            finally:
                connections.close_all()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(30)
        return out[0]

    # A worker holding the row (while it claims it) is skipped, not waited for.
    with transaction.atomic():
        ExportJob.objects.select_for_update().get(pk=job.pk)
        assert in_thread(jobs._claim) is None
    # Two workers at once: one runs it.
    barrier = threading.Barrier(2)
    results = []

    def work():
        barrier.wait()
        try:
            results.append(jobs.run_pending())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [0, 1]
    job.refresh_from_db()
    assert job.state == "done" and job.total == 4


def test_one_export_at_a_time_each(cast, long_export):
    job, _replied = long_export
    client = _client(cast.leader)
    again = client.post(f"/work/figures/requests/export/?{_query(cast)}", follow=True)
    assert ExportJob.objects.count() == 1  # the queue holds one of the person's
    assert again.redirect_chain[-1][0] == f"/work/figures/exports/{job.token}/"
    assert "上一个导出还在生成" in again.content.decode()
    jobs.run_pending()
    client.post(f"/work/figures/requests/export/?{_query(cast)}")
    assert ExportJob.objects.count() == 2  # done: the next one may start
