"""The resident's pages: no account needed, one task per page, large type.
They show what the WeChat mini-program later shows through the API."""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organisations.access import scopes_of
from organisations.models import Role

from .. import phoneproof, services
from ..errors import ActionError
from ..forms import ResidentEvaluateForm, ResidentWithdrawForm, SubmitForm, TrackForm
from ..models import Appeal, Status
from .common import bound, map_config
from .timeline import public_timeline

RECENT_KEY = "hby_recent_tracking"
TRACKING_RE = re.compile(r"^HBY-\d{8}-\d{4,}$")


def home(request):
    return render(request, "public/home.html")


def _remember(request, tracking_no: str) -> None:
    """This browser's recent tracking numbers, for the track page."""
    recent = [n for n in request.session.get(RECENT_KEY, []) if n != tracking_no]
    request.session[RECENT_KEY] = [tracking_no] + recent[:9]


@require_http_methods(["GET", "POST"])
def submit(request):
    """A resident's request: on success, the tracking number; on a refusal,
    the message next to its field and nothing stored."""
    form = SubmitForm(*bound(request))
    if request.method == "POST" and form.is_valid():
        user = request.user
        actor = user if user.is_authenticated and scopes_of(user).has(Role.Name.RESIDENT) else None
        try:
            appeal, _created = services.create_appeal(
                form.service_data(), channel=Appeal.Channel.WEB, photos=request.FILES.getlist("photos"),
                actor=actor,
            )
        except ActionError as exc:
            form.add_service_error(exc)
        else:
            _remember(request, appeal.tracking_no)
            return redirect("submit_thanks", tracking_no=appeal.tracking_no)
    status = 400 if request.method == "POST" else 200
    return render(request, "public/submit.html", {"form": form, "map_config": map_config()}, status=status)


def submit_thanks(request, tracking_no: str):
    appeal = get_object_or_404(Appeal, tracking_no=tracking_no)
    return render(request, "public/thanks.html", {"appeal": appeal})


def _normalise(number: str) -> str:
    return re.sub(r"\s+", "", number or "").upper()


def track_form(request):
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        number = _normalise(form.cleaned_data["no"])
        if Appeal.objects.filter(tracking_no=number).exists():
            return redirect("track", tracking_no=number)
        form.add_error("no", _("No request has this tracking number. Check it and try again."))
    recent = request.session.get(RECENT_KEY, [])
    return render(request, "public/track_form.html", {"form": form, "recent": recent},
                  status=404 if form.errors else 200)


def _public_appeal(tracking_no: str) -> Appeal | None:
    return (
        Appeal.objects.select_related("category", "category__parent", "node", "unit", "merged_into")
        .filter(tracking_no=_normalise(tracking_no)).first()
    )


def track(request, tracking_no: str):
    appeal = _public_appeal(tracking_no)
    if appeal is None:
        form = TrackForm({"no": tracking_no})
        form.is_valid()
        form.add_error("no", _("No request has this tracking number. Check it and try again."))
        return render(request, "public/track_form.html", {"form": form}, status=404)
    return render(request, "public/track.html", {
        "appeal": appeal,
        "timeline": public_timeline(appeal),
        "may_evaluate": appeal.status == Status.REPLIED,
        "may_withdraw": _may_withdraw(appeal),
    })


def _act_by_phone(appeal: Appeal, form, act, *, no_phone: str) -> int | None:
    """The steps every resident action by tracking number shares:
    1. refuse while this request has too many wrong tries (429);
    2. refuse a request without a phone (`no_phone` says what to do instead);
    3. check the form, then the phone's last 4 digits (a wrong guess counts);
    4. call `act(cleaned_data)`, putting a service refusal next to its field.
    Returns None once done, else the status to show the form again with."""
    if phoneproof.locked(appeal):
        form.is_valid()
        form.add_error(None, _("Too many wrong tries. Try again in an hour, or call the hotline."))
        return 429
    if not phoneproof.has_phone(appeal):
        form.add_error(None, no_phone)
        return 400
    if not form.is_valid():
        return 400
    if not phoneproof.matches(appeal, form.cleaned_data["phone_digits"]):
        form.add_error("phone_digits", _("These are not the last 4 digits of the phone number left "
                                         "with this request."))
        return 400
    try:
        act(form.cleaned_data)
    except ActionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        return 400
    return None


@require_http_methods(["GET", "POST"])
def evaluate(request, tracking_no: str):
    """The resident rates the reply, proving who they are with the last four
    digits of the phone they left; wrong tries are limited per request."""
    appeal = _public_appeal(tracking_no)
    if appeal is None:
        return redirect("track", tracking_no=tracking_no)
    form = ResidentEvaluateForm(request.POST if request.method == "POST" else None)
    context = {"appeal": appeal, "form": form, "waiting": appeal.status == Status.REPLIED}
    return _phone_page(
        request, appeal, form, "public/evaluate.html", context,
        act=lambda data: services.evaluate(appeal, actor=None, rating=data["rating"], comment=data["comment"],
                                           via_tracking=True),
        no_phone=_("This request has no phone number: the call-back team will ask you."),
        done=_("Thank you. Your evaluation is recorded."),
    )


def _phone_page(request, appeal: Appeal, form, template: str, context: dict, *, act, no_phone: str, done: str):
    """A resident's page that acts once the phone digits match: the form on GET,
    and on POST the action, then back to the track page (or the form, with why)."""
    if request.method != "POST":
        return render(request, template, context)
    status = _act_by_phone(appeal, form, act, no_phone=no_phone)
    if status is None:
        messages.success(request, done)
        return redirect(reverse("track", args=[appeal.tracking_no]))
    return render(request, template, context, status=status)


def _before_reply(appeal: Appeal) -> bool:
    return appeal.status in services.TRANSITIONS["withdraw"].sources


def _may_withdraw(appeal: Appeal) -> bool:
    """Before the reply, and only with a phone to prove the resident by."""
    return _before_reply(appeal) and phoneproof.has_phone(appeal)


@require_http_methods(["GET", "POST"])
def withdraw(request, tracking_no: str):
    """The resident takes the request back before the reply, proven like for
    the evaluation (and sharing its wrong-try count)."""
    appeal = _public_appeal(tracking_no)
    if appeal is None:
        return redirect("track", tracking_no=tracking_no)
    form = ResidentWithdrawForm(request.POST if request.method == "POST" else None)
    context = {"appeal": appeal, "form": form, "may_withdraw": _may_withdraw(appeal),
               "before_reply": _before_reply(appeal)}
    return _phone_page(
        request, appeal, form, "public/withdraw.html", context,
        act=lambda data: services.withdraw(appeal, actor=None, reason=data["reason"], via_tracking=True),
        no_phone=_("This request has no phone number, so it cannot be withdrawn here. Call the hotline."),
        done=_("Your request is withdrawn. Nobody will handle it any more."),
    )
