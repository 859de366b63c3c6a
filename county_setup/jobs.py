"""Uploaded workbooks, checked and applied — at once when small, by the
background worker when large (notifications.worker runs `run_pending` on its
exports thread), while the admin watches the progress page. As analysis.jobs:

- A job is taken by one worker only: `SELECT … FOR UPDATE SKIP LOCKED` where
  the database has it, a conditional UPDATE queued → running elsewhere.
- The person's right to set up is checked again when the job runs.
- Progress goes to the cache (the apply runs in one transaction, whose own
  writes no other connection sees before it commits); the row keeps the end.
- The file stays in MEDIA_ROOT/county_setup/ under a random name (no URL
  serves it) until KEEP has passed.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hubiying.jobs import claim_oldest, run_claimed

from . import access, reader
from .apply import import_workbook
from .models import ImportJob

logger = logging.getLogger("hubiying.county_setup")
INLINE_ROWS = 1000  # more rows than this: checked and applied in the background
KEEP = timedelta(days=7)  # uploaded files older than this are deleted (the job and its report stay)
STALE = timedelta(hours=2)  # a job running this long lost its worker
FOLDER = "county_setup"
MAX_BYTES = 20 * 1024 * 1024
State = ImportJob.State


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def path_of(job: ImportJob) -> Path | None:
    return Path(settings.MEDIA_ROOT) / job.file if job.file else None


def upload(user, uploaded) -> ImportJob:
    """Keeps the file and counts its rows; a small one is checked at once, a large one queued.
    BadWorkbook: not kept."""
    if uploaded.size > MAX_BYTES:
        raise reader.BadWorkbook(_("This file is larger than 20 MB: a county's set-up is far smaller."))
    rows = reader.count_rows(uploaded)
    folder().mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(24)}.xlsx"
    with (folder() / name).open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    job = ImportJob.objects.create(
        token=secrets.token_hex(16), user=user, name=(uploaded.name or "")[:200], file=f"{FOLDER}/{name}",
        rows=rows, report={"lang": get_language() or settings.LANGUAGE_CODE})
    if rows <= INLINE_ROWS:
        ImportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, started_at=timezone.now())
        _run(job)
        job.refresh_from_db()
    return job


def request_apply(job: ImportJob) -> bool:
    """The admin applies a checked job: at once when small, else queued; False when it is not (or no longer) checked."""
    if not ImportJob.objects.filter(pk=job.pk, state=State.CHECKED).update(
            state=State.RUNNING if job.rows <= INLINE_ROWS else State.QUEUED, apply=True, started_at=timezone.now()):
        return False
    job.refresh_from_db()
    if job.state == State.RUNNING:
        _run(job)
    return True


def status(job: ImportJob) -> dict:
    """What the progress page shows (and its script polls)."""
    done = job.rows if job.is_finished() else (cache.get(_progress_key(job)) or 0)
    percent = int(min(done, job.rows) * 100 / job.rows) if job.rows else (100 if job.is_finished() else 0)
    return {"state": job.state, "label": str(job.get_state_display()), "total": job.rows, "done": min(done, job.rows),
            "percent": percent, "apply": job.apply, "error": job.error or None}


def _progress_key(job: ImportJob) -> str:
    return f"county_setup:progress:{job.token}"


# --- The worker's side ------------------------------------------------------------

def run_pending(limit: int = 1) -> int:
    """Sweeps, then checks or applies up to `limit` queued workbooks; returns how many ran."""
    sweep()
    return run_claimed(_claim, _run, limit)


def _claim() -> ImportJob | None:
    return claim_oldest(ImportJob, queued=State.QUEUED, running=State.RUNNING, started_at=timezone.now())


def _run(job: ImportJob) -> None:
    """Checks the workbook (job.apply off) or applies it (on); the job ends checked, refused, applied or failed."""
    mine = ImportJob.objects.filter(pk=job.pk)
    key = _progress_key(job)
    language = (job.report or {}).get("lang") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            user = get_user_model().objects.filter(pk=job.user_id, is_active=True).first()
            if user is None or not access.may_set_up(user):
                raise PermissionError(_("You may no longer set the county up."))
            path = path_of(job)
            if path is None or not path.is_file():
                raise FileNotFoundError(_("The uploaded file is gone (files are kept for 7 days): upload it again."))
            with path.open("rb") as file:
                outcome = import_workbook(file, dry_run=not job.apply, scope_nodes=access.scope_of(user),
                                          progress=lambda n: cache.set(key, n, timeout=3600))
            state = State.APPLIED if outcome.applied else State.REFUSED if outcome.report["refused"] else \
                State.CHECKED
            mine.filter(state=State.RUNNING).update(
                state=state, report={**outcome.report, "lang": language}, created_users=outcome.created_users,
                finished_at=timezone.now())
        except reader.BadWorkbook as error:
            _fail(mine, str(error))
        except (PermissionError, FileNotFoundError) as error:
            _fail(mine, str(error))
        except Exception:  # noqa: BLE001 — the job says it failed; the worker goes on
            logger.exception("county set-up import %s failed", job.token)
            _fail(mine, _("The import failed and nothing was written. Please try again."))
        finally:
            cache.delete(key)


def _fail(jobs, message: str) -> None:
    jobs.update(state=State.FAILED, error=message, finished_at=timezone.now())


def sweep(now=None) -> None:
    """Deletes uploaded files older than KEEP and fails the jobs whose worker stopped."""
    now = now or timezone.now()
    for job in ImportJob.objects.filter(created_at__lt=now - KEEP).exclude(file="").exclude(state=State.RUNNING):
        path = path_of(job)
        if path is not None:
            path.unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(file="")
    stale = ImportJob.objects.filter(state=State.RUNNING, started_at__lt=now - STALE)
    if stale.exists():
        with translation.override(settings.LANGUAGE_CODE):
            _fail(stale, _("The import stopped before it was finished; nothing was written. Please upload it again."))
