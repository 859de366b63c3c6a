"""The deliberation pages' forms. As elsewhere, the rules live in the services
(`deliberation.services`, and `appeals.intake` for a request made from an
item); the forms coerce what the browser sends and put each refusal next to
its field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import intake
from appeals.forms import ServiceForm, Text, _code_field, category_choices
from events.forms import LocalDateTime
from organisations.models import Node
from organisations.tree import tree
from places.models import Place

from . import access, services
from .models import Item, Meeting, Topic

TEL = {"type": "tel", "inputmode": "tel", "autocomplete": "tel"}


def communities_of(user) -> list[Node]:
    """The communities `user` runs deliberation in, in tree order."""
    nodes = access.organising_nodes(user)
    found = [n for n in tree().by_id.values() if n.kind == Node.Kind.COMMUNITY
             and (nodes is None or any(n.path.startswith(s.path) for s in nodes))]
    return sorted(found, key=lambda n: n.path)


class Form(ServiceForm):
    """A form of this app's services: each problem goes to the field of its name
    (not the aliases of a request's intake form)."""

    def service_field(self, field: str | None) -> str | None:
        return field if field in self.fields else None


class TopicForm(Form):
    """A resident's topic, step 1: what, and who (a code goes to the phone)."""

    title = Text(label=_("What should be talked over?"), limit=services.TITLE,
                 help_text=_("In a few words, e.g. “Parking in the compound at night”."))
    description = Text(label=_("Tell us more"), limit=services.DESCRIPTION, rows=4)
    name = Text(label=_("Your name"), limit=services.NAME, widget=forms.TextInput(attrs={"autocomplete": "name"}),
                help_text=_("Shown with the topic as its first character only (王**)."))
    phone = Text(label=_("Your phone number"), limit=intake.PHONE, widget=forms.TextInput(attrs=TEL),
                 help_text=_("A code goes to this phone. It is never shown; the community may call you about the "
                             "topic."))
    MARKED = ("title", "name", "phone")


class TopicCodeForm(TopicForm):
    """Step 2: the code from the text message (the rest carried along)."""

    code = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "description", "name", "phone"):
            self.fields[name].widget = forms.HiddenInput()


class StaffTopicForm(Form):
    """A topic a staff member raises (from the street, a phone call, the grid)."""

    node = forms.ChoiceField(label=_("Community"))
    title = Text(label=_("Title"), limit=services.TITLE)
    description = Text(label=_("Description"), limit=services.DESCRIPTION, rows=4)
    name = Text(label=_("Raised by"), limit=services.NAME,
                help_text=_("Your name, or the resident's you raise it for."))
    phone = Text(label=_("The resident's phone"), limit=intake.PHONE, widget=forms.TextInput(attrs=TEL),
                 help_text=_("Optional. Shown masked to staff only; a request made from the topic gets it as its "
                             "contact."))
    MARKED = ("node", "title", "name")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.communities = {str(n.pk): n for n in communities_of(user)}
        self.fields["node"].choices = [(pk, n.name) for pk, n in self.communities.items()]
        self.fields["name"].initial = user.get_full_name() or user.get_username()


class MeetingForm(Form):
    """What an organiser sets: the community, the kind, what, when, where."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    node = forms.ChoiceField(label=_("Community"))
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=services.TITLE)
    starts_at = LocalDateTime(label=_("Starts"))
    ends_at = LocalDateTime(label=_("Ends"))
    place = forms.ChoiceField(label=_("Place"), required=False)
    location = forms.CharField(label=_("Where exactly"), max_length=services.WHERE, required=False,
                               help_text=_("A room, a square; or the whole address when there is no place."))
    published = forms.BooleanField(label=_("Published (residents see it)"), required=False, initial=True)
    MARKED = ("node", "kind", "title", "starts_at", "ends_at")

    def __init__(self, *args, user, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        communities = communities_of(user)
        self.communities = {str(n.pk): n for n in communities}
        self.fields["node"].choices = [(pk, n.name) for pk, n in self.communities.items()]
        roots = {n.path.strip("/").split("/")[0] for n in communities}
        places = [p for p in Place.objects.published().select_related("node").order_by("name")
                  if p.node.path.strip("/").split("/")[0] in roots]
        self.places = {str(p.pk): p for p in places}
        self.fields["place"].choices = [("", _("— none —"))] + [(str(p.pk), p.name) for p in places]
        if meeting is not None and meeting.pk and not self.is_bound:
            self.initial.update(
                seen=meeting.updated_at.isoformat(), node=str(meeting.node_id), kind=meeting.kind,
                title=meeting.title, place=str(meeting.place_id or ""), location=meeting.location,
                published=meeting.published, starts_at=timezone.localtime(meeting.starts_at),
                ends_at=timezone.localtime(meeting.ends_at))

    def meeting_fields(self) -> dict:
        d = self.cleaned_data
        return {"node": self.communities.get(d["node"]), "kind": d["kind"], "title": d["title"],
                "starts_at": d["starts_at"], "ends_at": d["ends_at"], "place": self.places.get(d.get("place") or ""),
                "location": d.get("location") or "", "published": bool(d.get("published"))}


class RecordForm(Form):
    """The minutes and the attendance."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    attendees = forms.IntegerField(label=_("How many came"), required=False, min_value=0,
                                   max_value=services.MAX_ATTENDEES)
    participants = Text(label=_("Who came"), limit=services.PARTICIPANTS, rows=2,
                        help_text=_("For example: residents' representatives, the property company, the community "
                                    "police officer."))
    minutes = Text(label=_("Minutes of the meeting"), limit=services.MINUTES, rows=8)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(seen=meeting.updated_at.isoformat(), attendees=meeting.attendees,
                                participants=meeting.participants, minutes=meeting.minutes)


class TopicItemForm(Form):
    """Put an open topic of the community on the agenda."""

    topic = forms.ChoiceField(label=_("An open topic"))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        open_topics = (Topic.objects.filter(node__path__startswith=meeting.node.path, state=Topic.State.OPEN)
                       .order_by("-created_at", "-id")[:200])
        self.topics = {str(t.pk): t for t in open_topics}
        self.fields["topic"].choices = [(pk, t.title) for pk, t in self.topics.items()]


class FreeItemForm(Form):
    """A matter raised at the meeting itself."""

    title = Text(label=_("A matter raised at the meeting"), limit=services.TITLE)
    MARKED = ("title",)


class DecideForm(Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        (Item.Outcome.AGREED, Item.Outcome.AGREED.label), (Item.Outcome.DEFERRED, Item.Outcome.DEFERRED.label),
        (Item.Outcome.REJECTED, Item.Outcome.REJECTED.label)])
    decision = Text(label=_("Decision"), limit=services.DECISION, rows=2,
                    help_text=_("What was agreed, who does what and by when; or why not."))
    MARKED = ("outcome",)


class ReferForm(ServiceForm):
    """Make the item into a request: what intake needs beyond the item itself."""

    category = forms.CharField(label=_("What is it about?"), required=False, widget=forms.Select)
    address = Text(label=_("Address"), limit=intake.ADDRESS,
                   help_text=_("For example: compound, building, unit, or a landmark nearby."))
    description = Text(label=_("Describe the problem"), limit=intake.DESCRIPTION, rows=3)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    MARKED = ("category", "description")

    def __init__(self, *args, item: Item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = category_choices()
        if not self.is_bound:
            self.initial["description"] = services.referral_data(item, {})["description"]
