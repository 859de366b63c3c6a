"""The user's notifications: made from timeline events by the worker, read
here. Opening one is a POST that marks it read and goes to its request (a
GET never writes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appeals import access
from appeals.timeline import label

PAGE_SIZE = 30
# Actions whose note is a message for whoever is told (the dispatcher's
# instructions, the urge, the reason, the reply); other notes stay on the request.
MESSAGE_ACTIONS = {"dispatch", "urge", "supervise", "reject", "reply", "return", "reopen", "request-extension",
                   "co-reply", "approve-extension"}


def _target(item, staff: bool) -> str:
    appeal = item.event.appeal
    # Residents follow their request on its own page.
    return reverse("appeal_detail", args=[appeal.pk]) if staff else reverse("track", args=[appeal.tracking_no])


@login_required
def notification_list(request):
    rows = request.user.notifications.select_related("event", "event__appeal", "event__actor",
                                                     "event__actor_unit")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    staff = access.is_staff(request.user)
    for item in page.object_list:
        event, appeal = item.event, item.event.appeal
        item.label = label(event.action)
        item.sender = access.actor_name(event, appeal, staff=staff) if staff else (
            event.actor_unit.name if event.actor_unit_id else "")
        item.message = event.note if event.action in MESSAGE_ACTIONS else ""
        item.due = appeal.step_due if staff and appeal.is_open() else None
    return render(request, "work/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Marks the notification read and shows its request."""
    item = get_object_or_404(request.user.notifications.select_related("event__appeal"), pk=pk)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    return redirect(_target(item, access.is_staff(request.user)))


@login_required
@require_POST
def notification_read(request, pk: int):
    item = get_object_or_404(request.user.notifications, pk=pk)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all(request):
    count = request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    if count:
        messages.success(request, _("All notifications marked as read."))
    return redirect("notifications")
