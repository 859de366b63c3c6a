"""Large workbooks go through the background worker (notifications.worker runs
county_setup.jobs on its exports thread): queued, checked with a progress
figure, applied when the admin asks, all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from county_setup import jobs
from county_setup.generate import county_workbook
from county_setup.models import ImportJob
from notifications import worker
from organisations.models import Node

from .conftest import snapshot


@pytest.fixture
def small_inline(monkeypatch):
    monkeypatch.setattr(jobs, "INLINE_ROWS", 50)


def test_a_large_workbook_is_checked_and_applied_by_the_worker(cast, admin_client, small_inline, monkeypatch):
    data = county_workbook(towns=2, communities=10, grids=50, units=20, people=60)
    response = admin_client.post("/work/setup/imports/", {"workbook": SimpleUploadedFile("big.xlsx", data)},
                                 secure=True)
    job = ImportJob.objects.get()
    assert job.state == "queued" and job.rows > 50
    page = admin_client.get(response["Location"], secure=True).content.decode()
    assert "data-import-bar" in page and "import_progress.js" in page
    status = admin_client.get(f"/work/setup/imports/{job.token}/status", secure=True).json()
    assert status["state"] == "queued" and status["percent"] == 0 and status["total"] == job.rows

    seen = []
    real_set = jobs.cache.set
    monkeypatch.setattr(jobs.cache, "set", lambda key, value, **kw: (seen.append(value), real_set(key, value, **kw)))
    before = snapshot()
    assert worker.exports().exports == 1
    job.refresh_from_db()
    assert job.state == "checked" and snapshot() == before
    assert seen and seen[-1] == job.rows  # the progress the page polls went up to every row
    assert admin_client.get(f"/work/setup/imports/{job.token}/status", secure=True).json()["percent"] == 100

    admin_client.post(f"/work/setup/imports/{job.token}/apply/", secure=True)
    job.refresh_from_db()
    assert job.state == "queued" and job.apply
    assert "正在导入工作簿" in admin_client.get(f"/work/setup/imports/{job.token}/", secure=True).content.decode()
    assert worker.exports().exports == 1
    job.refresh_from_db()
    assert job.state == "applied" and len(job.created_users) == 60
    assert Node.objects.filter(code__startswith="GEN").count() == 63
    assert worker.exports().exports == 0  # nothing left


def test_a_job_whose_owner_lost_the_right_fails_without_writing(cast, county_admin, small_inline):
    client = Client()
    client.force_login(county_admin)
    data = county_workbook(towns=1, communities=5, grids=20, units=5, people=30)
    client.post("/work/setup/imports/", {"workbook": SimpleUploadedFile("big.xlsx", data)}, secure=True)
    county_admin.roles.all().delete()
    before = snapshot()
    jobs.run_pending()
    job = ImportJob.objects.get()
    assert job.state == "failed" and "不再有权" in job.error
    assert snapshot() == before


def test_a_job_that_lost_its_worker_is_failed_and_old_files_are_deleted(cast, admin_client, small_inline):
    data = county_workbook(towns=1, communities=5, grids=20, units=5, people=30)
    admin_client.post("/work/setup/imports/", {"workbook": SimpleUploadedFile("big.xlsx", data)}, secure=True)
    job = ImportJob.objects.get()
    path = jobs.path_of(job)
    assert path.is_file()
    ImportJob.objects.filter(pk=job.pk).update(state="running", started_at=timezone.now() - timedelta(hours=3))
    jobs.sweep()
    job.refresh_from_db()
    assert job.state == "failed"
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    jobs.sweep()
    assert not path.exists() and ImportJob.objects.get().file == ""
