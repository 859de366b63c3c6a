"""The set-up pages under /work/setup/, for administrators (and superusers):
download the template or the configuration now, upload a workbook (checked
first: the row-by-row report), apply it, follow a large one's progress, and
hand the people it created their first-login links. And the first-login page
itself, for those people. Nothing is written on a GET."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from organisations.models import PersonalDataView

from . import access, jobs, reader, welcome, workbook
from .layout import SHEETS
from .models import ImportJob
from .report import OUTCOMES, place, sheet_title

State = ImportJob.State


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=workbook.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def index(request):
    access.check(request.user)
    recent = ImportJob.objects.filter(user=request.user).order_by("-created_at", "-pk")[:10]
    return render(request, "county_setup/index.html", {"recent": recent, "inline_rows": jobs.INLINE_ROWS,
                                                       "scope": access.scope_of(request.user)})


@login_required
@require_GET
def template(request):
    access.check(request.user)
    return _xlsx(workbook.template(), "county-setup-template.xlsx")


@login_required
@require_POST
def export(request):
    """The configuration now, people's phones in full: a POST, and logged as a view of personal data."""
    scope = access.check(request.user)
    content = workbook.export(scope)
    PersonalDataView.objects.create(viewer=request.user, subject="county_setup:export", field="phone")
    return _xlsx(content, f"county-setup-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def upload(request):
    access.check(request.user)
    uploaded = request.FILES.get("workbook")
    if uploaded is None:
        messages.error(request, _("Choose the Excel workbook to upload."))
        return redirect("county_setup:setup")
    try:
        job = jobs.upload(request.user, uploaded)
    except reader.BadWorkbook as error:
        messages.error(request, str(error))
        return redirect("county_setup:setup")
    return redirect("county_setup:setup_job", token=job.token)


def _own_job(request, token: str) -> ImportJob:
    """The person's own upload (anybody else's is not found), while they may still set up."""
    job = ImportJob.objects.filter(token=token, user=request.user).first()
    if job is None:
        raise Http404(_("There is no such import."))
    access.check(request.user)
    return job


@login_required
@require_GET
def job_page(request, token: str):
    job = _own_job(request, token)
    report = job.report or {}
    lines = [{**line, "place": place(line), "outcome_label": OUTCOMES[line["outcome"]]}
             for line in report.get("lines", [])]
    counts = report.get("counts")
    sheets = [{"title": sheet_title(s.key), **counts["sheets"][s.key]} for s in SHEETS] if counts else []
    links = welcome.waiting(job.created_users, request.build_absolute_uri("/")) \
        if job.state == State.APPLIED else []
    return render(request, "county_setup/job.html", {
        "job": job, "status": jobs.status(job), "lines": lines, "sheets": sheets, "counts": counts,
        "more": report.get("more", 0), "problems": report.get("problems", []), "links": links,
        "finished": job.is_finished()})


@login_required
@require_GET
def job_status(request, token: str):
    job = ImportJob.objects.filter(token=token, user=request.user).first()
    if job is None:
        return JsonResponse({"code": "not_found", "detail": _("There is no such import.")}, status=404)
    access.check(request.user)
    return JsonResponse(jobs.status(job))


@login_required
@require_POST
def job_apply(request, token: str):
    job = _own_job(request, token)
    if not jobs.request_apply(job):
        messages.error(request, _("Only a workbook checked without a refused row can be applied."))
        return redirect("county_setup:setup_job", token=job.token)
    job.refresh_from_db()
    if job.state == State.APPLIED:
        messages.success(request, _("The workbook was applied."))
    elif job.state == State.REFUSED:
        messages.error(request, _("Something changed since the check: some rows are refused now, and nothing was "
                                  "written."))
    return redirect("county_setup:setup_job", token=job.token)


@login_required
@require_GET
def job_links(request, token: str):
    """The first-login links of the people this import created who have not chosen a password yet."""
    job = _own_job(request, token)
    if job.state != State.APPLIED:
        raise Http404(_("There is no such import."))
    book = Workbook()
    ws = book.active
    ws.title = _("First-login links")
    ws.append([_("Account name"), _("Full name"), _("Phone"), _("First-login link")])
    for row in welcome.waiting(job.created_users, request.build_absolute_uri("/")):
        ws.append([row["username"], row["name"], row["phone"], row["link"]])
    ws.column_dimensions["D"].width = 90
    out = io.BytesIO()
    book.save(out)
    return _xlsx(out.getvalue(), f"first-login-{job.created_at:%Y%m%d}.xlsx")


@require_http_methods(["GET", "POST"])
def welcome_page(request, uidb64: str, token: str):
    """A new person chooses their password (public: the link is the proof)."""
    user = welcome.user_for(uidb64, token)
    if user is None:
        return render(request, "county_setup/welcome.html", {"invalid": True}, status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your password is set: sign in with your account name %(username)s.")
                         % {"username": user.get_username()})
        return redirect(reverse("login"))
    return render(request, "county_setup/welcome.html", {"form": form, "person": user},
                  status=400 if request.method == "POST" else 200)
