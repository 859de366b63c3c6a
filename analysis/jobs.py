"""Long Excel exports, made by the background worker (notifications.worker runs
`run_pending` every pass) while the person watches the progress page.

- A job is taken by one worker only: `SELECT … FOR UPDATE SKIP LOCKED` where the
  database has it (PostgreSQL), a conditional UPDATE queued → running elsewhere.
- The person's access is checked again when the job runs (a leader moved away
  meanwhile gets a failed job with the reason, not the file).
- The rows are read in chunks and `done` is saved after every batch (each
  UPDATE its own short transaction), so the progress page moves.
- The file goes to MEDIA_ROOT/exports/ under a random name; no URL serves that
  folder: the download view streams it to its owner only. Jobs and files older
  than KEEP are deleted by the same pass.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from appeals.errors import ActionError, Forbidden
from hubiying import replica
from hubiying.jobs import claim_oldest, run_claimed

from . import access
from .models import ExportJob
from .request_lists import Listing, rows_of, write

logger = logging.getLogger("hubiying.exports")
EXPORT_INLINE_ROWS = 2000  # more rows than this: made in the background
KEEP = timedelta(days=7)  # files and jobs older than this are deleted
STALE = timedelta(hours=6)  # a job running this long lost its worker
FOLDER = "exports"
State = ExportJob.State


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def path_of(job: ExportJob) -> Path | None:
    return Path(settings.MEDIA_ROOT) / job.file if job.file else None


def unfinished(user) -> ExportJob | None:
    """The person's export still queued or running (one at a time each: a reader
    cannot fill the worker's queue)."""
    return ExportJob.objects.filter(user=user, state__in=(State.QUEUED, State.RUNNING)).order_by("-pk").first()


def queue(user, listing: Listing, back: str = "") -> ExportJob:
    """A queued job for `listing`, in the person's language; `back`: the page's query string."""
    return ExportJob.objects.create(
        token=secrets.token_hex(16), user=user, kind="requests",
        params={**listing.stored(), "lang": get_language() or settings.LANGUAGE_CODE, "back": back},
        title=f"{listing.title()} · {listing.subtitle()}"[:200])


def status(job: ExportJob) -> dict:
    """What the progress page shows (and its script polls)."""
    percent = 100 if job.state == State.DONE else (int(job.done * 100 / job.total) if job.total else 0)
    return {"state": job.state, "label": str(job.get_state_display()), "total": job.total, "done": job.done,
            "percent": min(percent, 100), "error": job.error or None}


# --- The worker's side ------------------------------------------------------------

def run_pending(limit: int = 1) -> int:
    """Deletes what is too old, then makes up to `limit` queued exports; returns how many ran."""
    sweep()
    return run_claimed(_claim, _run, limit)


def _claim() -> ExportJob | None:
    """Takes the oldest queued job, so that no other worker runs it too."""
    return claim_oldest(ExportJob, queued=State.QUEUED, running=State.RUNNING)


def _run(job: ExportJob) -> None:
    mine = ExportJob.objects.filter(pk=job.pk)
    part = None
    with translation.override(job.params.get("lang") or settings.LANGUAGE_CODE):
        try:
            user = get_user_model().objects.filter(pk=job.user_id, is_active=True).first()
            if user is None or not access.is_reader(user):
                raise Forbidden(_("You have no scope whose figures you may see."))
            listing = Listing.from_stored(user, job.params)
            folder().mkdir(parents=True, exist_ok=True)
            name = f"{secrets.token_urlsafe(24)}.xlsx"
            part = folder() / f"{name}.part"
            with replica.reporting():  # the rows from the read replica where there is one; progress to the primary
                appeals = listing.appeals(user)
                mine.update(total=appeals.count())
                written = write(part, listing, rows_of(appeals), progress=lambda n: mine.update(done=n))
            # Still running (not failed meanwhile by a sweep that took it for lost): done.
            if mine.filter(state=State.RUNNING).update(state=State.DONE, done=written, total=written,
                                                       file=f"{FOLDER}/{name}", finished_at=timezone.now()):
                part.rename(folder() / name)
        except ActionError as error:
            _fail(mine, _("The export was not made: %(why)s") % {"why": error})
        except Exception:  # noqa: BLE001 — the job says it failed; the worker goes on
            logger.exception("export %s failed", job.token)
            _fail(mine, _("The export failed. Please try again, or export a shorter period."))
        finally:
            if part is not None and part.exists():
                part.unlink()


def _fail(jobs, message: str) -> None:
    jobs.update(state=State.FAILED, error=message, finished_at=timezone.now())


def sweep(now=None) -> int:
    """Deletes the jobs and files older than KEEP (files left by a crash too) and
    fails the jobs whose worker stopped; returns how many jobs were deleted."""
    now = now or timezone.now()
    cutoff = now - KEEP
    old = list(ExportJob.objects.filter(created_at__lt=cutoff).exclude(state=State.RUNNING))
    for job in old:
        path = path_of(job)
        if path is not None:
            path.unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    stale = ExportJob.objects.filter(state=State.RUNNING, created_at__lt=now - STALE)
    if stale.exists():
        with translation.override(settings.LANGUAGE_CODE):
            _fail(stale, _("The export stopped before it was finished. Please export again."))
    if folder().is_dir():
        for entry in folder().iterdir():
            if entry.is_file() and entry.stat().st_mtime < cutoff.timestamp():
                entry.unlink(missing_ok=True)
    return len(old)
