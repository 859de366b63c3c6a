"""The events' page forms. As elsewhere, the rules live in the services
(`events.services`); the forms coerce what the browser sends and put each
refusal next to its field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import intake
from appeals.forms import ServiceForm, Text, _code_field
from organisations.models import Node
from organisations.tree import tree
from places.models import Place

from . import access
from .models import Event, Programme

LOCAL = "%Y-%m-%dT%H:%M"


class SignupForm(ServiceForm):
    """Step 1: who you are; a code goes to the phone."""

    name = Text(label=_("Your name"), limit=40, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = Text(label=_("Your phone number"), limit=intake.PHONE,
                 help_text=_("A code goes to this phone; your sign-up's private link follows by text message."),
                 widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    MARKED = ("name", "phone")


class SignupCodeForm(SignupForm):
    """Step 2: the code from the text message (name and phone carried along)."""

    code = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget = forms.HiddenInput()
        self.fields["phone"].widget = forms.HiddenInput()


class DoorForm(ServiceForm):
    phone = Text(label=_("The phone number you signed up with"), limit=intake.PHONE,
                 widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    MARKED = ("phone",)


class LocalDateTime(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL)
    input_formats = [LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class EventForm(ServiceForm):
    """What an organiser sets: the community, what, where, when, for whom, how many."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    node = forms.ChoiceField(label=_("Community"))
    title = forms.CharField(label=_("Title"), max_length=100)
    description = Text(label=_("What happens"), limit=4000, rows=4)
    place = forms.ChoiceField(label=_("Place"), required=False)
    location = forms.CharField(label=_("Where exactly"), max_length=200, required=False,
                               help_text=_("A room, a square; or the whole address when there is no place."))
    theme = forms.ChoiceField(label=_("Month's theme"), required=False)
    starts_at = LocalDateTime(label=_("Starts"))
    ends_at = LocalDateTime(label=_("Ends"))
    signup_closes_at = LocalDateTime(label=_("Sign-up closes"), required=False,
                                     help_text=_("Empty: when the event starts."))
    capacity = forms.IntegerField(label=_("Number of places"), required=False, min_value=1, max_value=100_000,
                                  help_text=_("Empty: no limit and no sign-up (an open-air event)."))
    audience = forms.ChoiceField(label=_("For"), choices=Event.Audience.choices)
    published = forms.BooleanField(label=_("Published (residents see it)"), required=False, initial=True)
    MARKED = ("node", "title", "starts_at", "ends_at")

    def __init__(self, *args, user, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = access.organising_nodes(user)
        t = tree()
        communities = [n for n in t.by_id.values() if n.kind in (Node.Kind.COMMUNITY, Node.Kind.TOWN)
                       and (nodes is None or any(n.path.startswith(s.path) for s in nodes))]
        communities.sort(key=lambda n: n.path)
        self.communities = {str(n.pk): n for n in communities}
        self.fields["node"].choices = [(str(n.pk), n.name) for n in communities]
        places = Place.objects.published().order_by("name")
        if nodes is not None:
            roots = {n.path.strip("/").split("/")[0] for n in nodes}
            places = [p for p in places.select_related("node") if p.node.path.strip("/").split("/")[0] in roots]
        self.places = {str(p.pk): p for p in places}
        self.fields["place"].choices = [("", _("— none —"))] + [(str(p.pk), p.name) for p in places]
        themes = Programme.objects.filter(period=Programme.Period.MONTH, node__in=communities).order_by("-starts_on")
        self.themes = {str(p.pk): p for p in themes}
        self.fields["theme"].choices = [("", _("— none —"))] + [
            (str(p.pk), f"{p.starts_on:%Y-%m} {p.title}") for p in themes]
        if event is not None and event.pk and not self.is_bound:
            self.initial.update(
                seen=event.updated_at.isoformat(), node=str(event.node_id), title=event.title,
                description=event.description, place=str(event.place_id or ""), location=event.location,
                theme=str(event.theme_id or ""), capacity=event.capacity, audience=event.audience,
                published=event.published, starts_at=timezone.localtime(event.starts_at),
                ends_at=timezone.localtime(event.ends_at),
                signup_closes_at=event.signup_closes_at and timezone.localtime(event.signup_closes_at),
            )

    def event_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "node": self.communities[d["node"]], "title": d["title"].strip(), "description": d["description"],
            "place": self.places.get(d.get("place") or ""), "location": d.get("location") or "",
            "theme": self.themes.get(d.get("theme") or ""), "starts_at": d["starts_at"], "ends_at": d["ends_at"],
            "signup_closes_at": d.get("signup_closes_at"), "capacity": d.get("capacity"),
            "audience": d["audience"], "published": bool(d.get("published")),
        }
