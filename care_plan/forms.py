"""The care plan pages' forms. Each checks everything it can before a service
function writes anything; the messages are sentences a case worker can act on."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.errors import Invalid
from events.services import clean_phone
from organisations.access import path_q
from organisations.models import Node

from . import crypto
from .models import CENT, DISABILITY_DIGIT, Area, Need, Person, Service

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EARLIEST = 1990  # a record before this year is a typing mistake


def _nodes_under(nodes, kinds=(Node.Kind.COMMUNITY, Node.Kind.GRID, Node.Kind.COMPOUND)):
    qs = Node.objects.filter(kind__in=kinds)
    return (qs.filter(path_q("path", nodes)) if nodes is not None else qs).order_by("path")


def _node_label(node: Node) -> str:
    return f"{node.name}（{node.get_kind_display()}）"


def _phone(value: str) -> str:
    if not value:
        return ""
    try:
        return clean_phone(value)
    except Invalid as exc:
        raise forms.ValidationError(exc.detail) from None


def _past_date(value):
    if value is None:
        return value
    today = timezone.localdate()
    if value > today:
        raise forms.ValidationError(_("This date has not come yet."))
    if value.year < EARLIEST:
        raise forms.ValidationError(_("Check the year: this date is too long ago."))
    return value


class NeverShown(forms.TextInput):
    """The certificate number's field: what was typed is not written back into the page (after a refusal it
    is typed again), so that no page but the logged reveal ever holds the full number."""

    def format_value(self, value):
        return None


class PersonForm(forms.ModelForm):
    certificate = forms.CharField(label=_("Disability certificate number"), max_length=30, required=False,
                                  widget=NeverShown(attrs={"autocomplete": "off", "inputmode": "latin"}))

    class Meta:
        model = Person
        fields = ["node", "name", "birth_year", "disability", "grade", "certificate", "phone", "guardian",
                  "guardian_phone", "address", "active"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
                   "guardian_phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})}

    def __init__(self, *args, nodes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = _nodes_under(nodes)
        self.fields["node"].label_from_instance = _node_label
        if self.instance.pk:
            # The number is never written into a page: an empty field keeps it.
            self.fields["certificate"].help_text = (
                _("Registered: %(masked)s. Leave empty to keep it; type a new one to replace it.")
                % {"masked": self.instance.certificate_masked} if self.instance.certificate_cipher
                else _("None registered yet."))
        else:
            self.fields["certificate"].help_text = _(
                "20 characters: the identity number, then the category and the grade (e.g. …41). "
                "Empty while the certificate is being issued.")
            del self.fields["active"]

    def clean_phone(self):
        return _phone(self.cleaned_data.get("phone") or "")

    def clean_guardian_phone(self):
        return _phone(self.cleaned_data.get("guardian_phone") or "")

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("Give the year of birth, e.g. 1968."))
        return year

    def clean_certificate(self):
        number = crypto.normalise(self.cleaned_data.get("certificate") or "")
        if not number:
            return ""
        if not crypto.SHAPE.fullmatch(number):
            raise forms.ValidationError(_("A certificate number has 20 characters: the 18 of the identity number, "
                                          "then one digit for the category (1–7) and one for the grade (1–4)."))
        if not crypto.well_formed(number):
            raise forms.ValidationError(_("The identity number in it does not add up (its 18th character): "
                                          "check it against the certificate."))
        taken = Person.objects.with_certificate(number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This certificate number is registered already."))
        return number

    def clean(self):
        data = super().clean()
        number, disability, grade = data.get("certificate"), data.get("disability"), data.get("grade")
        if number and disability and number[18] != DISABILITY_DIGIT[disability]:
            self.add_error("certificate", _("The 19th digit of the number gives another category of disability "
                                            "than the one chosen."))
        if number and grade and number[19] != grade:
            self.add_error("certificate", _("The last digit of the number gives another grade than the one chosen."))
        return data

    def save(self, commit=True):
        number = self.cleaned_data.get("certificate")
        if number:
            self.instance.set_certificate(number)
        return super().save(commit)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    companions = forms.CharField(label=_("With"), max_length=100, required=False,
                                 help_text=_("Who else came (the grid worker, a doctor…)."))
    findings = forms.CharField(label=_("What the visit found"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 4}))

    def clean_visited_on(self):
        return _past_date(self.cleaned_data.get("visited_on"))


class AssessmentForm(forms.Form):
    """The six areas of need, each not needed / needed / urgent, with a word on what."""

    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not needed")), *Need.Priority.choices]
        for area, label in Area.choices:
            self.fields[f"need_{area}"] = forms.ChoiceField(label=label, choices=choices, required=False)
            self.fields[f"detail_{area}"] = forms.CharField(label=_("What, for %(area)s") % {"area": label},
                                                            max_length=200, required=False)

    def clean_assessed_on(self):
        return _past_date(self.cleaned_data.get("assessed_on"))

    def area_rows(self):
        return [(self[f"need_{area}"], self[f"detail_{area}"]) for area in Area.values]

    def needs(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [(area, data[f"need_{area}"], data.get(f"detail_{area}") or "") for area in Area.values
                if data.get(f"need_{area}")]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not any(data.get(f"need_{a}") for a in Area.values) and not (data.get("note") or "").strip():
            raise forms.ValidationError(_("Mark at least one need, or write in the note that none was found."))
        for area in Area.values:
            if data.get(f"detail_{area}") and not data.get(f"need_{area}"):
                self.add_error(f"need_{area}", _("Say whether this is needed, or clear what is written beside it."))
        return data


class PlanItemForm(forms.Form):
    area = forms.ChoiceField(label=_("About"), choices=Area.choices)
    what = forms.CharField(label=_("What is to be done"), max_length=200)
    by_whom = forms.CharField(label=_("Who does it"), max_length=100, required=False)
    due_on = forms.DateField(label=_("To be done by"), required=False, widget=DATE)


class MoveForm(forms.Form):
    """One move of one plan item (the buttons on each item)."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.CharField(widget=forms.HiddenInput)
    by_whom = forms.CharField(label=_("Who does it"), max_length=100, required=False)
    due_on = forms.DateField(label=_("To be done by"), required=False, widget=DATE)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=Service.Kind.choices)
    on = forms.DateField(label=_("On"), widget=DATE)
    detail = forms.CharField(label=_("Detail"), max_length=200, required=False,
                             help_text=_("The device (wheelchair, hearing aid…), the training, the employer, "
                                         "the works done."))
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=99, initial=1, required=False,
                                  help_text=_("Devices fitted at once (a pair of hearing aids: 2)."))
    amount = forms.DecimalField(label=_("Support (yuan)"), max_digits=10, decimal_places=2, min_value=CENT,
                                required=False, widget=forms.NumberInput(attrs={"step": "0.01", "inputmode":
                                                                                "decimal"}),
                                help_text=_("For a visit with support: the money given, e.g. 500.00."))
    fair = forms.ModelChoiceField(label=_("Job fair"), queryset=None, required=False)
    plan_item = forms.ModelChoiceField(label=_("For the plan item"), queryset=None, required=False)
    provider = forms.CharField(label=_("Delivered by"), max_length=100, required=False,
                               help_text=_("Who delivered it (the rehabilitation centre, the federation…)."))

    def __init__(self, *args, person: Person, fairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fair"].queryset = fairs.order_by("-held_on")
        self.fields["fair"].label_from_instance = lambda f: f"{f.held_on} {f.title}"
        self.fields["plan_item"].queryset = person.plan_items.order_by("-id")
        self.fields["plan_item"].label_from_instance = lambda i: f"{i.get_area_display()}：{i.what}"

    def clean_on(self):
        return _past_date(self.cleaned_data.get("on"))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        K = Service.Kind
        if kind == K.DEVICE and not data.get("detail"):
            self.add_error("detail", _("Name the device fitted (wheelchair, hearing aid, white cane…)."))
        if kind == K.PLACEMENT and not data.get("detail"):
            self.add_error("detail", _("Name the employer or the job."))
        if kind == K.JOB_FAIR and data.get("fair") is None and "fair" not in self.errors:
            self.add_error("fair", _("Choose the job fair (add it on the job fairs page first)."))
        if kind == K.VISIT and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Give the support given on the visit, in yuan (e.g. 500.00)."))
        if kind and kind != K.VISIT and data.get("amount") is not None:
            self.add_error("amount", _("Only a visit with support carries an amount."))
        if kind != K.DEVICE:
            data["quantity"] = 1
        if kind != K.JOB_FAIR:
            data["fair"] = None
        fair = data.get("fair")
        if fair is not None and data.get("on") and fair.held_on != data["on"]:
            self.add_error("on", _("The job fair was held on %(day)s.") % {"day": fair.held_on})
        return data


class JobFairForm(forms.Form):
    node = forms.ModelChoiceField(label=_("Held by"), queryset=None)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=100)
    place = forms.CharField(label=_("Where"), max_length=100, required=False)
    employers = forms.IntegerField(label=_("Employers"), min_value=0, max_value=9999, required=False)

    def __init__(self, *args, nodes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = _nodes_under(nodes, (Node.Kind.COUNTY, Node.Kind.TOWN, Node.Kind.COMMUNITY))
        self.fields["node"].label_from_instance = _node_label

    def clean_held_on(self):
        day = self.cleaned_data.get("held_on")  # a fair may be announced ahead
        if day is not None and not EARLIEST <= day.year <= timezone.localdate().year + 1:
            raise forms.ValidationError(_("Check the year of the date."))
        return day

