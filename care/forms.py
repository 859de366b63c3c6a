"""The care pages' forms."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.errors import Invalid
from events.services import clean_phone
from organisations.access import path_q
from organisations.models import Node
from places.models import Place
from volunteers.models import Volunteer

from .models import Kind, Plan, Recipient


def _nodes_under(nodes):
    qs = Node.objects.filter(kind__in=[Node.Kind.COMMUNITY, Node.Kind.GRID, Node.Kind.COMPOUND])
    return qs.filter(path_q("path", nodes)) if nodes is not None else qs


class RecipientForm(forms.ModelForm):
    class Meta:
        model = Recipient
        fields = ["node", "name", "phone", "address", "category", "birth_year", "diet", "needs", "active"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})}

    def __init__(self, *args, nodes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = _nodes_under(nodes).order_by("path")
        self.fields["node"].label_from_instance = lambda n: f"{n.name}（{n.get_kind_display()}）"

    def clean_phone(self):
        phone = self.cleaned_data.get("phone") or ""
        if not phone:
            return ""
        try:
            return clean_phone(phone)
        except Invalid as exc:
            raise forms.ValidationError(exc.detail) from None

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("Give the year of birth, e.g. 1942."))
        return year


def _canteens(recipient: Recipient):
    root = recipient.node.path.strip("/").split("/")[0]
    return Place.objects.filter(kind=Place.Kind.CANTEEN, node__path__startswith=f"/{root}/").order_by("name")


def _volunteers(recipient: Recipient):
    community = recipient.node
    while community.kind not in (Node.Kind.COMMUNITY, Node.Kind.TOWN, Node.Kind.COUNTY) and community.parent_id:
        community = community.parent
    return Volunteer.objects.filter(active=True, node__path__startswith=community.path).order_by("name")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["kind", "canteen", "mode", "days", "weekdays", "skip_holidays", "at", "starts_on", "ends_on",
                  "volunteer", "note"]
        widgets = {"at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, recipient: Recipient, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.recipient = recipient
        self.fields["canteen"].queryset = _canteens(recipient)
        self.fields["volunteer"].queryset = _volunteers(recipient)


class OrderForm(forms.Form):
    """A one-off order."""

    kind = forms.ChoiceField(label=_("What"), choices=Kind.choices)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    at = forms.TimeField(label=_("Done by"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    canteen = forms.ModelChoiceField(label=_("Canteen"), queryset=Place.objects.none(), required=False,
                                     help_text=_("For a meal."))
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none(), required=False,
                                       help_text=_("Empty: any volunteer with the skill may take it."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, recipient: Recipient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canteen"].queryset = _canteens(recipient)
        self.fields["volunteer"].queryset = _volunteers(recipient)
