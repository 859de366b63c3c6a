"""The organisers' pages: community staff (and administrators) see the topics
and meetings of their subtree, raise topics, schedule meetings, put topics or
matters raised on the spot on the agenda, record the minutes and attendance,
decide each item and make one into a request (registered at once, on the
talk-day channel). Raisers' phones are shown masked only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appeals.access import mask_phone
from appeals.errors import ActionError, Invalid, NotFound
from appeals.views.common import page_of

from . import access, services, workflow
from .forms import DecideForm, FreeItemForm, MeetingForm, RecordForm, ReferForm, StaffTopicForm, TopicItemForm
from .models import Item, Meeting, Topic


def _organiser(request) -> None:
    if not access.may_organise(request.user):
        raise PermissionDenied


def _meeting_for(request, pk) -> Meeting:
    try:
        return access.get_meeting_for(request.user, pk, manage=True)
    except ActionError:
        raise Http404 from None


def _topic_for(request, pk) -> Topic:
    try:
        return access.get_topic_for(request.user, pk)
    except ActionError:
        raise Http404 from None


def _masked(topics):
    for topic in topics:
        topic.masked_phone = mask_phone(topic.raised_phone)
    return topics


@login_required
def overview(request):
    _organiser(request)
    user, now = request.user, timezone.now()
    which = request.GET.get("when") if request.GET.get("when") in ("past", "upcoming") else "upcoming"
    meetings = (access.managed_meetings(user).select_related("node", "place")
                .annotate(n_items=Count("items"), n_pending=Count("items", filter=Q(items__outcome="pending"))))
    coming = Q(ends_at__gte=now, held_at__isnull=True)
    meetings = (meetings.filter(coming).order_by("starts_at", "id") if which == "upcoming"
                else meetings.exclude(coming).order_by("-starts_at", "-id"))
    state = request.GET.get("topics") if request.GET.get("topics") in Topic.State.values else Topic.State.OPEN
    topics = _masked(list(access.managed_topics(user).filter(state=state).select_related("node")
                          .order_by("-created_at", "-id")[:100]))
    return render(request, "deliberation/work_list.html", {
        "page": page_of(request, meetings), "when": which, "topics": topics, "topic_state": state,
        "topic_states": Topic.State.choices,
    })


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    _organiser(request)
    form = MeetingForm(request.POST or None, user=request.user, initial={"published": True})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.save_meeting(Meeting(), actor=request.user, **form.meeting_fields())
        except ActionError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The meeting is scheduled."))
            return redirect("work_deliberation_meeting", pk=meeting.pk)
    return render(request, "deliberation/meeting_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def topic_new(request):
    _organiser(request)
    form = StaffTopicForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.raise_topic(form.communities.get(d["node"]), title=d["title"], description=d["description"],
                                 name=d["name"], phone=d["phone"], actor=request.user)
        except ActionError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The topic is raised: put it on a meeting's agenda."))
            return redirect("work_deliberation")
    return render(request, "deliberation/topic_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def topic_detail(request, pk: int):
    topic = _topic_for(request, pk)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("section") != "drop":
                raise NotFound(_("Nothing to do."))
            services.drop_topic(topic, actor=request.user)
        except ActionError as exc:
            messages.error(request, exc.detail)
            status = exc.status
        else:
            messages.success(request, _("The topic is not taken up."))
            return redirect("work_deliberation_topic", pk=topic.pk)
        topic.refresh_from_db()
    topic.masked_phone = mask_phone(topic.raised_phone)
    return render(request, "deliberation/topic.html", {
        "topic": topic, "items": topic.items.select_related("meeting", "appeal").order_by("meeting__starts_at"),
        "may_drop": workflow.topic_allowed("drop", topic.state),
    }, status=status)


ITEM_SECTIONS = ("decide", "refer", "remove")


def _item_of(meeting: Meeting, request) -> Item:
    item = meeting.items.select_related("topic", "meeting", "meeting__node").filter(
        pk=access.as_int(request.POST.get("item"))).first()
    if item is None:
        raise NotFound(_("No such item on this meeting's agenda."))
    return item


def _item_forms(meeting: Meeting, bound_item: int | None = None, bound_forms: dict | None = None) -> list[dict]:
    rows = []
    items = meeting.items.select_related("topic", "appeal", "meeting", "meeting__node")
    for item in items:
        prefix = f"id_item{item.pk}_%s"
        row = {"item": item, "may_decide": item.outcome == Item.Outcome.PENDING,
               "may_refer": workflow.item_allowed("refer", item.outcome),
               "masked_phone": mask_phone(item.topic.raised_phone) if item.topic else ""}
        row["decide"] = DecideForm(auto_id=prefix.replace("%s", "decide_%s"))
        row["refer"] = ReferForm(item=item, auto_id=prefix.replace("%s", "refer_%s"))
        if bound_item == item.pk and bound_forms:
            row.update(bound_forms)
        rows.append(row)
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting = _meeting_for(request, pk)
    user, section = request.user, request.POST.get("section")
    details = MeetingForm(request.POST if section == "details" else None, user=user, meeting=meeting)
    record = RecordForm(request.POST if section == "record" else None, meeting=meeting)
    add_topic = TopicItemForm(request.POST if section == "add_topic" else None, meeting=meeting)
    add_free = FreeItemForm(request.POST if section == "add_item" else None)
    bound_item, bound_forms, status = None, {}, 200
    if request.method == "POST":
        status = 400
        form = {"details": details, "record": record, "add_topic": add_topic, "add_item": add_free}.get(section)
        try:
            if section in ITEM_SECTIONS:
                item = _item_of(meeting, request)
                bound_item = item.pk
                target = _item_section(request, meeting, item, section, bound_forms)
            elif form is not None:
                target = _meeting_section(request, meeting, section, form)
            else:
                raise NotFound(_("Nothing to do."))
            if target:
                return redirect(target)
        except ActionError as exc:
            status = exc.status
            shown = form if form is not None else bound_forms.get(section)
            if shown is not None and isinstance(exc, Invalid):
                shown.add_service_error(exc)
            else:
                messages.error(request, exc.detail)
        meeting.refresh_from_db()
    now = timezone.now()
    return render(request, "deliberation/meeting_edit.html", {
        "meeting": meeting, "details": details, "record": record, "add_topic": add_topic, "add_free": add_free,
        "rows": _item_forms(meeting, bound_item, bound_forms), "started": now >= meeting.starts_at,
    }, status=status)


def _here(meeting: Meeting, anchor: str = "") -> str:
    return reverse("work_deliberation_meeting", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _meeting_section(request, meeting: Meeting, section: str, form) -> str | None:
    """One of the meeting's own forms; the address to go to when it is done (None: show the form again)."""
    user = request.user
    if not form.is_valid():
        return None
    d = form.cleaned_data
    if section == "details":
        services.save_meeting(meeting, actor=user, seen=d.get("seen") or None, **form.meeting_fields())
        messages.success(request, _("The meeting is saved."))
        return _here(meeting)
    if section == "record":
        services.record(meeting, actor=user, minutes=d["minutes"], attendees=d.get("attendees"),
                        participants=d["participants"], seen=d.get("seen") or None)
        messages.success(request, _("The minutes are saved."))
        return _here(meeting, "record")
    if section == "add_topic":
        item = services.add_item(meeting, actor=user, topic=form.topics[d["topic"]])
    else:
        item = services.add_item(meeting, actor=user, title=d["title"])
    messages.success(request, _("“%(title)s” is on the agenda.") % {"title": item.title})
    return _here(meeting, "agenda")


def _item_section(request, meeting: Meeting, item: Item, section: str, bound_forms: dict) -> str | None:
    user = request.user
    if section == "remove":
        services.remove_item(item, actor=user)
        messages.success(request, _("“%(title)s” is taken off the agenda.") % {"title": item.title})
        return _here(meeting, "agenda")
    prefix = f"id_item{item.pk}_{section}_%s"
    if section == "decide":
        form = bound_forms["decide"] = DecideForm(request.POST, auto_id=prefix)
        if not form.is_valid():
            return None
        services.decide(item, actor=user, outcome=form.cleaned_data["outcome"],
                        decision=form.cleaned_data["decision"])
        messages.success(request, _("The decision on “%(title)s” is recorded.") % {"title": item.title})
        return _here(meeting, f"item-{item.pk}")
    form = bound_forms["refer"] = ReferForm(request.POST, item=item, auto_id=prefix)
    if not form.is_valid():
        return None
    item = services.refer(item, user, form.cleaned_data)
    messages.success(request, _("Request %(no)s is registered from “%(title)s”.")
                     % {"no": item.appeal.tracking_no, "title": item.title})
    return _here(meeting, f"item-{item.pk}")
