"""The resident's pages: no account needed, one task per page, large type.
They show what the WeChat mini-program later shows through the API.

The tracking number shows the public progress only. The private link
(/track/<number>/<token>/, given on the thank-you page and by SMS, or for a
one-time code sent to the phone on record) shows the request as its
resident wrote it and lets them evaluate the reply or withdraw it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notifications import sms
from organisations.access import scopes_of
from organisations.models import Role

from .. import access, photos, questions, residents, services, tracking
from ..errors import ActionError, TooMany
from ..forms import (
    CodeForm,
    PhoneCodeForm,
    PhoneForm,
    ResidentEvaluateForm,
    ResidentWithdrawForm,
    SubmitForm,
    TrackForm,
)
from ..intake import clean_phone
from ..models import Appeal, AppealPhoto, EvaluationChannel
from ..timeline import public_place, public_timeline
from .common import bound, limited, map_config

RECENT_KEY = "hby_recent_tracking"


def home(request):
    return render(request, "public/home.html")


def _recent(request) -> list[str]:
    """The tracking numbers of this browser's recent requests (numbers only: a
    shared phone or a service station's tablet gives the next person no
    private link)."""
    entries = request.session.get(RECENT_KEY, [])
    # Sessions written before kept [number, token] pairs: their number is kept.
    return [e[0] if isinstance(e, list) else e for e in entries if isinstance(e, (str, list)) and e][:10]


def _remember(request, appeal: Appeal) -> None:
    recent = [no for no in _recent(request) if no != appeal.tracking_no]
    request.session[RECENT_KEY] = [appeal.tracking_no] + recent[:9]


@require_http_methods(["GET", "POST"])
def submit(request):
    """A resident's request: on success, the tracking number and the private
    link; on a refusal, every problem next to its field and nothing stored."""
    form = SubmitForm(*bound(request))
    if request.method == "POST":
        counted = access.intake_limit(request.user)
        too_many = limited(request, *counted) if counted else None
        if too_many:
            return too_many
        if form.is_valid():
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
                _remember(request, appeal)
                return redirect("submit_thanks", tracking_no=appeal.tracking_no, token=residents.token_for(appeal))
        form.photos_dropped = len(request.FILES.getlist("photos"))
    status = 400 if request.method == "POST" else 200
    return render(request, "public/submit.html", {"form": form, "map_config": map_config()}, status=status)


def _private(tracking_no: str, token: str) -> Appeal:
    """The request of a private link, or 404 (a wrong token looks like no request)."""
    appeal = _find(tracking_no)
    if appeal is None or not residents.token_matches(appeal, token):
        raise Http404
    return appeal


def submit_thanks(request, tracking_no: str, token: str):
    appeal = _private(tracking_no, token)
    return render(request, "public/thanks.html", {
        "appeal": appeal, "private_url": request.build_absolute_uri(residents.private_path(appeal)),
        "masked_phone": access.mask_phone(appeal.contact_phone),
    })


def track_form(request):
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        number = tracking.normalise(form.cleaned_data["no"])
        too_many = limited(request, "track")
        if too_many:
            return too_many
        if number and Appeal.objects.filter(tracking_no=number).exists():
            return redirect("track", tracking_no=number)
        form.add_error("no", _("No request has this tracking number. Check it and try again."))
    return render(request, "public/track_form.html", {"form": form, "recent": _recent(request)},
                  status=404 if form.errors else 200)


def _find(tracking_no: str) -> Appeal | None:
    number = tracking.normalise(tracking_no)
    if not number:
        return None
    return (
        Appeal.objects.select_related("category", "category__parent", "node", "unit", "merged_into")
        .filter(tracking_no=number).first()
    )


def _public(request, tracking_no: str) -> Appeal:
    appeal = _find(tracking_no)
    if appeal is None:
        raise Http404
    return appeal


def _owner(request, appeal: Appeal) -> bool:
    user = request.user
    return user.is_authenticated and appeal.submitted_by_id is not None and appeal.submitted_by_id == user.pk


def track(request, tracking_no: str):
    too_many = limited(request, "track")
    if too_many:
        return too_many
    appeal = _find(tracking_no)
    if appeal is None:
        form = TrackForm({"no": tracking_no})
        form.is_valid()
        form.add_error("no", _("No request has this tracking number. Check it and try again."))
        return render(request, "public/track_form.html", {"form": form}, status=404)
    if appeal.tracking_no != tracking_no:
        return redirect("track", tracking_no=appeal.tracking_no)
    if _owner(request, appeal):  # a signed-in resident's own request
        return redirect(residents.private_path(appeal))
    return render(request, "public/track.html", _track_context(appeal, resident=False))


def _track_context(appeal: Appeal, *, resident: bool, **extra) -> dict:
    return {
        "appeal": appeal,
        "area": public_place(appeal),
        "timeline": public_timeline(appeal, resident=resident),
        "resident": resident,
        "token": residents.token_for(appeal) if resident else "",
        "may_evaluate": appeal.status in services.TRANSITIONS["evaluate"].sources,
        "may_withdraw": appeal.status in services.TRANSITIONS["withdraw"].sources,
        "has_phone": residents.has_phone(appeal),
        "sms_opted_out": resident and bool(appeal.contact_phone) and sms.opted_out(appeal.contact_phone),
        "phone_tail": access.phone_tail(appeal.contact_phone),
        "hotline": residents.hotline(),
        # A title the resident typed (one made from the description's start says nothing more).
        "own_title": appeal.title if resident and not appeal.description.startswith(appeal.title) else "",
        # The answers to the category's questions: the resident's own words (they may say where one lives).
        "answers": questions.shown(appeal.category, appeal.answers) if resident else [],
        **extra,
    }


def track_private(request, tracking_no: str, token: str):
    """The request as its resident wrote it, with what they may do now."""
    too_many = limited(request, "track")
    if too_many:
        return too_many
    appeal = _private(tracking_no, token)
    context = _track_context(appeal, resident=True, photos=list(appeal.photos.select_related("event")))
    return render(request, "public/track.html", context)


@require_POST
def track_sms(request, tracking_no: str, token: str):
    """The resident, with the private link, stops (or restarts) our text messages to their phone."""
    too_many = limited(request, "track-act")
    if too_many:
        return too_many
    appeal = _private(tracking_no, token)
    choice = request.POST.get("choice")
    if choice not in ("on", "off") or not appeal.contact_phone:
        return HttpResponseBadRequest(_("Choose whether to get text messages."))
    if choice == "off":
        sms.opt_out(appeal.contact_phone)
        messages.success(request, _("No more text messages will be sent to your phone, except codes you ask for."))
    else:
        sms.opt_in(appeal.contact_phone)
        messages.success(request, _("We will text you again about your requests."))
    return redirect(reverse("track_private", args=[appeal.tracking_no, token]))


def track_photo(request, tracking_no: str, token: str, photo: str):
    appeal = _private(tracking_no, token)
    found = AppealPhoto.objects.filter(appeal=appeal, token=photo).first()
    if found is None:
        raise Http404
    return photos.serve(found)


# --- Proving who one is: a one-time code to the phone on record ----------------------

@require_http_methods(["GET", "POST"])
def track_code(request, tracking_no: str):
    """GET: the form for a code already received. POST: send one to the phone
    left with the request, then the same form."""
    appeal = _public(request, tracking_no)
    context = {"appeal": appeal, "form": CodeForm(), "phone_tail": access.phone_tail(appeal.contact_phone),
               "has_phone": residents.has_phone(appeal), "hotline": residents.hotline()}
    if request.method == "POST":
        too_many = limited(request, "code-send")
        if too_many:
            return too_many
        try:
            residents.send_code(appeal)
        except ActionError as exc:
            context["form"].add_error(None, exc.detail)
            return render(request, "public/code.html", context, status=_status(exc))
        context["sent"] = True
    return render(request, "public/code.html", context)


@require_POST
def track_verify(request, tracking_no: str):
    appeal = _public(request, tracking_no)
    form = CodeForm(request.POST)
    context = {"appeal": appeal, "form": form, "phone_tail": access.phone_tail(appeal.contact_phone),
               "has_phone": residents.has_phone(appeal), "hotline": residents.hotline()}
    too_many = limited(request, "code-check")
    if too_many:
        return too_many
    if not form.is_valid():
        return render(request, "public/code.html", context, status=400)
    try:
        token = residents.verify_code(appeal, form.cleaned_data["code"])
    except ActionError as exc:
        form.add_error("code" if exc.field == "code" else None, exc.detail)
        return render(request, "public/code.html", context, status=_status(exc))
    _remember(request, appeal)
    return redirect("track_private", tracking_no=appeal.tracking_no, token=token)


def _status(exc: ActionError) -> int:
    return 429 if isinstance(exc, TooMany) else 400


# --- Acting with the private link --------------------------------------------------

def _resident_action(request, tracking_no: str, token: str, form, template: str, act, done: str):
    """A resident's page that acts with the private link: the form on GET; on
    POST the action, then the private page (or the form again, with why)."""
    appeal = _private(tracking_no, token)
    context = {**_track_context(appeal, resident=True), "form": form}
    if request.method != "POST":
        return render(request, template, context)
    too_many = limited(request, "track-act")
    if too_many:
        return too_many
    if form.is_valid():
        try:
            act(appeal, form.cleaned_data)
        except ActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        else:
            messages.success(request, done)
            return redirect(reverse("track_private", args=[appeal.tracking_no, token]))
    return render(request, template, context, status=400)


@require_http_methods(["GET", "POST"])
def evaluate(request, tracking_no: str, token: str):
    """The resident rates the reply."""
    form = ResidentEvaluateForm(request.POST if request.method == "POST" else None, auto_id="id_evaluate_%s")
    return _resident_action(
        request, tracking_no, token, form, "public/evaluate.html",
        act=lambda appeal, data: services.evaluate(appeal, token=token, rating=data["rating"],
                                                   comment=data["comment"], channel=EvaluationChannel.PAGE),
        done=_("Thank you. Your evaluation is recorded."),
    )


@require_http_methods(["GET", "POST"])
def withdraw(request, tracking_no: str, token: str):
    """The resident takes the request back before the reply."""
    form = ResidentWithdrawForm(request.POST if request.method == "POST" else None)
    return _resident_action(
        request, tracking_no, token, form, "public/withdraw.html",
        act=lambda appeal, data: services.withdraw(appeal, token=token, reason=data["reason"]),
        done=_("Your request is withdrawn. Nobody will handle it any more."),
    )


# --- A resident who lost the number: their requests by phone ------------------------

@require_http_methods(["GET", "POST"])
def mine(request):
    """Step 1: the phone; a code goes to it if it left any request. Step 2 (the
    same page): the code, which lists the requests with their private links."""
    form = PhoneForm(request.POST or None)
    context = {"form": form, "hotline": residents.hotline()}
    if request.method == "POST":
        too_many = limited(request, "code-send")
        if too_many:
            return too_many
        if form.is_valid():
            phone = clean_phone(form.cleaned_data["phone"])
            try:
                residents.send_lookup_code(phone)
            except ActionError as exc:
                form.add_error(None, exc.detail)
                return render(request, "public/mine.html", context, status=_status(exc))
            context.update(sent=True, code_form=PhoneCodeForm(initial={"phone": phone}),
                           masked_phone=access.mask_phone(phone))
        else:
            return render(request, "public/mine.html", context, status=400)
    return render(request, "public/mine.html", context)


@require_POST
def mine_list(request):
    form = PhoneCodeForm(request.POST)
    context = {"form": PhoneForm(), "code_form": form, "sent": True, "hotline": residents.hotline()}
    too_many = limited(request, "code-check")
    if too_many:
        return too_many
    if not form.is_valid():
        return render(request, "public/mine.html", context, status=400)
    phone = clean_phone(form.cleaned_data["phone"])
    context["masked_phone"] = access.mask_phone(phone)
    try:
        found = residents.lookup(phone, form.cleaned_data["code"])
    except ActionError as exc:
        form.add_error("code" if exc.field == "code" else None, exc.detail)
        return render(request, "public/mine.html", context, status=_status(exc))
    for appeal in found:
        appeal.private_path = residents.private_path(appeal)
        _remember(request, appeal)
    return render(request, "public/mine_list.html", {"appeals": found, "masked_phone": context["masked_phone"]})

