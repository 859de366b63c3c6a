"""The fund's work forms. The rules live in `fund.services` and `fund.ledger`
(the amount's one rule: `ledger.clean_amount`); the forms take what the browser
sends as text and put each refusal next to its field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.forms import ServiceForm, Text, photos_field
from deliberation.models import Topic

from .models import DonorKind, Fund, Project, Proposal

AMOUNT = {"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00"}


class Form(ServiceForm):
    def service_field(self, field: str | None) -> str | None:
        return field if field in self.fields else None


def _amount(label):
    return forms.CharField(label=label, required=False, max_length=30, widget=forms.TextInput(attrs=AMOUNT),
                           help_text=_("Yuan, up to two decimal places."))


def _day():
    return forms.DateField(label=_("Date"), required=False, initial=timezone.localdate,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"invalid": _("Enter a date such as 2026-03-05.")})


class _ProjectChoice(Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False,
                                     empty_label=_("Not for a project"))

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = fund.projects.filter(closed=False).order_by("title")


class DonationForm(_ProjectChoice):
    amount = _amount(_("Amount"))
    on = _day()
    donor_name = Text(label=_("Donor"), limit=100,
                      help_text=_("A person, a shop or a company, as the receipt should name them."))
    donor_kind = forms.ChoiceField(label=_("Donor kind"), choices=DonorKind.choices, initial=DonorKind.PERSON,
                                   required=False)
    anonymous = forms.BooleanField(label=_("Stay anonymous on the public ledger (匿名)"), required=False)
    purpose = Text(label=_("Purpose"), limit=200, help_text=_("Left empty: the project's title."))
    receipt_no = Text(label=_("Receipt number"), limit=30,
                      help_text=_("Left empty: the next number of the fund (WJJ, the year, the entry)."))
    field_order = ["amount", "on", "donor_name", "donor_kind", "anonymous", "project", "purpose", "receipt_no"]
    MARKED = ("amount", "on", "donor_name")


class ProposalForm(_ProjectChoice):
    kind = forms.ChoiceField(label=_("What"), choices=Proposal.Kind.choices, initial=Proposal.Kind.EXPENDITURE,
                             required=False)
    amount = _amount(_("Amount"))
    on = _day()
    purpose = Text(label=_("Purpose"), limit=200, help_text=_("What the money is for, as the ledger will say it."))
    counterparty = Text(label=_("Paid to / lent by"), limit=100)
    photos = photos_field(_("Evidence (invoices, receipts, photos of the work)"))
    field_order = ["kind", "amount", "on", "project", "purpose", "counterparty", "photos"]
    MARKED = ("kind", "amount", "on", "purpose", "counterparty")


class DecisionForm(Form):
    note = Text(label=_("Note"), limit=200, help_text=_("The committee's decision, e.g. the meeting that agreed."))


class ReverseForm(Form):
    reason = Text(label=_("Why it is reversed"), limit=150)
    MARKED = ("reason",)


class ProjectForm(Form):
    title = Text(label=_("Title"), limit=100)
    description = Text(label=_("Description"), limit=2000, rows=3)
    budget = _amount(_("Budget"))
    appeal = forms.CharField(label=_("Request that asked for it (tracking number)"), required=False, max_length=30)
    topic = forms.ModelChoiceField(label=_("Topic that asked for it"), queryset=Topic.objects.none(), required=False,
                                   empty_label="—")
    closed = forms.BooleanField(label=_("Closed"), required=False)
    MARKED = ("title",)

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(node__path__startswith=fund.node.path).order_by(
            "-created_at")
