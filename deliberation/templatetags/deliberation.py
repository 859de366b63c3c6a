"""What a request's staff page shows of the meeting it came from
(templates/deliberation/_from_meeting.html): one small query, none more."""

from __future__ import annotations

from django import template
from django.urls import reverse

from .. import access
from ..models import Item

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_of(context, appeal) -> dict | None:
    """The agenda item the request was made from, its meeting and the page to link
    to (the organiser's page for those who run it, else the public one)."""
    item = (Item.objects.filter(appeal_id=appeal.pk).select_related("meeting", "meeting__node")
            .order_by("pk").first())
    if item is None:
        return None
    meeting = item.meeting
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and access.may_manage(user, meeting):
        url = reverse("work_deliberation_meeting", args=[meeting.pk])
    elif meeting.published:
        url = reverse("deliberation_meeting", args=[meeting.pk])
    else:
        url = ""
    return {"item": item, "meeting": meeting, "url": url}
