"""The volunteers' page forms; the rules live in `volunteers.services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals import intake
from appeals.errors import Invalid
from appeals.forms import ServiceForm, Text, _code_field
from events.services import clean_phone
from organisations.access import path_q
from organisations.models import Node

from .models import WEEKDAYS, Skill, Team, Volunteer


class LookupForm(ServiceForm):
    phone = Text(label=_("The phone number you registered with"), limit=intake.PHONE,
                 widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    MARKED = ("phone",)


class LookupCodeForm(LookupForm):
    code = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget = forms.HiddenInput()


DAY_CHOICES = [(d, n) for d, n in zip(WEEKDAYS, [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"),
                                                 _("Sun")], strict=True)]


class VolunteerForm(forms.ModelForm):
    """What community staff keep of a volunteer."""

    days_list = forms.MultipleChoiceField(label=_("Available on"), choices=DAY_CHOICES, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Volunteer
        fields = ["node", "name", "phone", "skills", "teams", "hours_note", "joined_on", "active", "notes"]
        widgets = {"skills": forms.CheckboxSelectMultiple, "teams": forms.CheckboxSelectMultiple,
                   "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
                   "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, nodes=None, **kwargs):
        super().__init__(*args, **kwargs)
        communities = Node.objects.filter(kind=Node.Kind.COMMUNITY)
        if nodes is not None:
            communities = communities.filter(path_q("path", nodes))
        self.fields["node"].queryset = communities.order_by("path")
        self.fields["node"].label_from_instance = lambda n: n.name
        self.fields["skills"].queryset = Skill.objects.all()
        teams = Team.objects.filter(active=True).select_related("node")
        if nodes is not None:
            teams = teams.filter(path_q("node__path", nodes))
        self.fields["teams"].queryset = teams
        self.fields["teams"].label_from_instance = lambda t: f"{t.name}（{t.node.name}）"
        self.initial.setdefault("days_list", list(self.instance.days or ""))

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        try:
            return clean_phone(phone)
        except Invalid as exc:
            raise forms.ValidationError(exc.detail) from None

    def clean(self):
        data = super().clean()
        teams, node = data.get("teams"), data.get("node")
        if teams and node and any(not t.node.related_to(node) for t in teams):
            self.add_error("teams", _("A volunteer joins the teams of their own community."))
        return data

    def save(self, commit=True):
        self.instance.days = "".join(sorted(self.cleaned_data.get("days_list") or []))
        return super().save(commit)


class DutyForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())
    task = forms.CharField(label=_("Task"), max_length=60,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. 签到引导, 秩序维护, 摄影")}))

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        if event is not None:
            self.fields["volunteer"].queryset = Volunteer.objects.filter(
                active=True, node__path__startswith=event.node.path).order_by("name")
