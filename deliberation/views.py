"""The residents' pages: a community's meetings — coming up, and past ones
with what became of each item — and its open topics; raising a topic with a
code to the phone; a meeting with its agenda, attendance, minutes and
outcomes (a request made from an item: its tracking number and status). No
account needed; nothing here writes on a GET; no raiser's phone is ever shown,
and their name only masked."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from appeals.access import mask_name, phone_tail
from appeals.errors import ActionError
from appeals.views.common import bound
from organisations.access import path_q
from organisations.models import Node
from organisations.tree import tree

from . import access, services
from .forms import TopicCodeForm, TopicForm
from .models import Item, Topic

SHOWN_TOPICS = (Topic.State.OPEN, Topic.State.ON_AGENDA)


def _node_or_404(code: str) -> Node:
    node = tree().get(code)
    if node is None:
        raise Http404
    return node


def _community_context(node: Node, form=None) -> dict:
    now = timezone.now()
    meetings = access.public_meetings().filter(path_q("node__path", [node])).select_related("node", "place")
    topics = list(Topic.objects.filter(path_q("node__path", [node]), state__in=SHOWN_TOPICS)
                  .order_by("-created_at", "-id")[:50])
    for topic in topics:
        topic.masked_name = mask_name(topic.raised_by_name)
    return {
        "node": node,
        "upcoming": meetings.filter(ends_at__gte=now, held_at__isnull=True).order_by("starts_at", "id")[:20],
        "past": meetings.exclude(ends_at__gte=now, held_at__isnull=True).order_by("-starts_at", "-id")[:20],
        "topics": topics,
        "may_raise": node.kind == Node.Kind.COMMUNITY,
        "form": form or TopicForm(),
    }


def community(request, code: str):
    node = _node_or_404(code)
    return render(request, "deliberation/community.html", _community_context(node))


@require_http_methods(["POST"])
def raise_topic(request, code: str):
    """Step 1 (the topic and who: a code to the phone) and step 2 (the code: raised)."""
    node = _node_or_404(code)
    status = 400
    if request.POST.get("code") is None:
        form = TopicForm(*bound(request))
        if form.is_valid():
            try:
                services.clean_topic(form.cleaned_data["title"], form.cleaned_data["description"],
                                       form.cleaned_data["name"], form.cleaned_data["phone"], phone_required=True)
                phone = services.send_code(node, form.cleaned_data["phone"])
            except ActionError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                code_form = TopicCodeForm(initial={**form.cleaned_data, "phone": phone})
                return render(request, "deliberation/code.html", {"node": node, "form": code_form,
                                                                  "tail": phone_tail(phone)})
        return render(request, "deliberation/community.html", _community_context(node, form), status=status)
    form = TopicCodeForm(*bound(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.raise_topic(node, title=data["title"], description=data["description"], name=data["name"],
                                 phone=data["phone"], code=data["code"])
        except ActionError as exc:
            form.add_service_error(exc)
            status = exc.status
        else:
            return redirect("deliberation_topic_raised", code=node.code)
    return render(request, "deliberation/code.html", {"node": node, "form": form,
                                                      "tail": phone_tail(form.data.get("phone", ""))}, status=status)


def topic_raised(request, code: str):
    node = _node_or_404(code)
    return render(request, "deliberation/raised.html", {"node": node})


def meeting(request, pk: int):
    try:
        found = access.get_meeting_for(request.user, pk)
    except ActionError:
        raise Http404 from None
    items = list(found.items.select_related("appeal"))
    return render(request, "deliberation/meeting.html", {
        "meeting": found, "items": items, "held": found.held_at is not None,
        "decided": any(i.outcome != Item.Outcome.PENDING for i in items),
        "may_manage": access.may_manage(request.user, found),
    })
