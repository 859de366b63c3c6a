"""The user's notifications: made from timeline events by the outbox, read here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appeals.views.timeline import EVENT_LABELS
from organisations.access import scopes_of

from .outbox import deliver_some_pending

PAGE_SIZE = 30


@login_required
def notification_list(request):
    deliver_some_pending()  # before the list is read, not only for the badge
    rows = request.user.notifications.select_related("event", "event__appeal", "event__actor_unit")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    staff = scopes_of(request.user).is_staff_role
    for item in page.object_list:
        appeal = item.event.appeal
        # Residents follow their request on its public page.
        item.url = reverse("appeal_detail", args=[appeal.pk]) if staff else reverse("track", args=[appeal.tracking_no])
        item.label = EVENT_LABELS.get(item.event.action, item.event.action)
        # Urges and supervision notices carry a message for the handler; other notes stay on the request page.
        item.message = item.event.note if item.event.action in ("urge", "supervise", "reject", "reply") else ""
    return render(request, "work/notifications.html", {"page": page})


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
