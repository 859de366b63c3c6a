"""The places' page forms. As in appeals.forms, the rules live in the
services (`places.services`); the forms coerce what the browser sends and put
each refusal next to its field."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from appeals import intake
from appeals.forms import ServiceForm, Text, community_choices

from . import access
from .models import Hours, OnlineService, Place, Service
from .nearby import DEFAULT_RADIUS_M, MAX_RADIUS_M
from .services import PROBLEMS

PERIODS = 2  # a morning and an afternoon (a lunch break between)


def localized(row) -> str:
    if getattr(row, "name_en", "") and (get_language() or "").startswith("en"):
        return row.name_en
    return row.name


def service_choices() -> list[tuple[str, str]]:
    return [(s.code, localized(s)) for s in Service.objects.filter(active=True)]


class SearchForm(forms.Form):
    """Where am I, and what do I need? Everything optional; a bad value is ignored."""

    service = forms.ChoiceField(label=_("I need"), required=False)
    kind = forms.ChoiceField(label=_("Kind of place"), required=False,
                             choices=[("", _("Any kind"))] + list(Place.Kind.choices))
    open_now = forms.BooleanField(label=pgettext_lazy("filter", "Only places open now"), required=False)
    near = forms.CharField(label=_("Near"), required=False, widget=forms.Select)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = forms.IntegerField(required=False, min_value=100, max_value=MAX_RADIUS_M, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Anything"))] + service_choices()
        self.fields["near"].widget.choices = community_choices(_("My position (or choose a community)"))

    def params(self) -> dict:
        """The valid filters only: a wrong one in a shared link is dropped, not an error page."""
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items()
                if name not in self.errors}
        return {
            "service": data.get("service") or "", "kind": data.get("kind") or "",
            "open_now": bool(data.get("open_now")), "near": data.get("near") or "",
            "lat": data.get("lat"), "lng": data.get("lng"), "radius": data.get("radius") or DEFAULT_RADIUS_M,
        }


class ReportForm(ServiceForm):
    problem = forms.ChoiceField(label=_("What is wrong?"), choices=list(PROBLEMS.items()),
                                widget=forms.RadioSelect, required=False)
    description = Text(label=_("Tell us more (optional)"), limit=500, rows=3)
    contact_name = Text(label=_("Your name"), limit=intake.NAME)
    contact_phone = Text(
        label=_("Your phone number"), limit=intake.PHONE,
        help_text=_("We call you about this report only, and send you its private link by text message."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    MARKED = ("problem", "contact_phone")


class DetailsForm(ServiceForm):
    """What a station host keeps up to date."""

    seen = forms.CharField(widget=forms.HiddenInput(attrs={"id": "id_details_seen"}), required=False)
    phone = Text(label=_("Public phone"), limit=30, widget=forms.TextInput(attrs={"type": "tel"}))
    description = Text(label=_("About the place"), limit=1000, rows=3)
    services = forms.MultipleChoiceField(label=_("Services offered"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, place: Place, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = service_choices()
        if not self.is_bound:
            self.initial.update(seen=place.updated_at.isoformat(), phone=place.phone,
                                description=place.description,
                                services=[s.code for s in place.services.all()])

    def chosen_services(self) -> list[Service]:
        return list(Service.objects.filter(code__in=self.cleaned_data.get("services") or []))


class ManageForm(forms.ModelForm):
    """What only the community staff change: the record itself."""

    use_required_attribute = False
    hosts_text = forms.CharField(
        label=_("Station hosts"), required=False,
        help_text=_("Their sign-in names, separated by spaces or commas."),
    )
    online = forms.ModelMultipleChoiceField(label=_("Online services on the poster"), required=False,
                                            queryset=OnlineService.objects.filter(active=True),
                                            widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Place
        fields = ["name", "kind", "node", "address", "lat", "lng", "host", "active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = access.manageable_nodes(user).order_by("path")
        self.fields["node"].label_from_instance = lambda n: f"{'　' * (n.path.count('/') - 2)}{n.name}"
        self.fields["lat"].widget = forms.NumberInput(attrs={"step": "any"})
        self.fields["lng"].widget = forms.NumberInput(attrs={"step": "any"})
        if self.instance.pk and not self.is_bound:
            self.initial["hosts_text"] = " ".join(self.instance.hosts.values_list("username", flat=True))
            self.initial["online"] = list(self.instance.online_services.values_list("pk", flat=True))

    def clean_hosts_text(self):
        names = [n for n in self.cleaned_data["hosts_text"].replace(",", " ").replace("，", " ").split() if n]
        users = list(get_user_model().objects.filter(username__in=names, is_active=True))
        missing = sorted(set(names) - {u.username for u in users})
        if missing:
            raise forms.ValidationError(_("No such account: %(names)s.") % {"names": "、".join(missing)})
        return users

    def manager_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class HoursForm(ServiceForm):
    """The regular week: for each day (and public holidays), up to two periods."""

    seen = forms.CharField(widget=forms.HiddenInput(attrs={"id": "id_hours_seen"}), required=False)
    open_24h = forms.BooleanField(label=_("Open 24 hours, every day"), required=False)
    holidays = forms.ChoiceField(label=_("On public holidays"), choices=Place.Holidays.choices,
                                 widget=forms.RadioSelect, required=False)
    follows_workdays = forms.BooleanField(
        label=_("On an adjusted working day (a weekend worked to make up a holiday), open with Monday's hours"),
        required=False,
    )

    def __init__(self, *args, place: Place, **kwargs):
        super().__init__(*args, **kwargs)
        for day, _name in Hours.DAYS:
            for n in range(PERIODS):
                for end in ("opens", "closes"):
                    self.fields[f"d{day}_{n}_{end}"] = forms.TimeField(
                        required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )
        if not self.is_bound:
            self.initial.update(seen=place.updated_at.isoformat(), open_24h=place.open_24h,
                                holidays=place.holidays, follows_workdays=place.follows_workdays)
            counts: dict[int, int] = {}
            for h in place.hours.all():
                n = counts.get(h.day, 0)
                if n < PERIODS:
                    self.initial[f"d{h.day}_{n}_opens"], self.initial[f"d{h.day}_{n}_closes"] = h.opens, h.closes
                counts[h.day] = n + 1

    def days(self):
        """(day number, name, [(opens field, closes field), …]) for the template."""
        for day, name in Hours.DAYS:
            yield day, name, [(self[f"d{day}_{n}_opens"], self[f"d{day}_{n}_closes"]) for n in range(PERIODS)]

    def clean(self):
        data = super().clean()
        periods = []
        for day, name in Hours.DAYS:
            for n in range(PERIODS):
                opens, closes = data.get(f"d{day}_{n}_opens"), data.get(f"d{day}_{n}_closes")
                if (opens is None) != (closes is None):
                    self.add_error(f"d{day}_{n}_opens", _("%(day)s: give both the opening and the closing time.")
                                   % {"day": name})
                elif opens is not None:
                    periods.append((day, opens, closes))
        data["periods"] = periods
        return data

    def service_field(self, field):
        if field and field.startswith("day"):
            return f"d{field[3:]}_0_opens"
        return super().service_field(field)


class SpecialDayForm(ServiceForm):
    # ISO dates and 24-hour times whatever the language: what <input type=date|time> reads.
    first = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    last = forms.DateField(label=_("To"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           help_text=_("Leave empty for one day."))
    closed = forms.TypedChoiceField(
        label=_("That day"), coerce=lambda v: v == "1", initial="1", widget=forms.RadioSelect,
        choices=[("1", pgettext_lazy("opening hours", "Closed")), ("0", _("Other hours"))],
    )
    opens = forms.TimeField(label=_("Opens"), required=False,
                            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes = forms.TimeField(label=_("Closes"), required=False,
                             widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    note = Text(label=_("Note shown to residents"), limit=100)

    def clean(self):
        data = super().clean()
        if data.get("first") and not data.get("last"):
            data["last"] = data["first"]
        if data.get("closed"):
            data["opens"] = data["closes"] = None
        elif data.get("closed") is False and not (data.get("opens") and data.get("closes")):
            self.add_error("opens", _("Give the opening and the closing time of that day."))
        return data
