"""Forms of the server-rendered pages.

The forms render the fields and coerce what the browser sends; the rules
themselves (what a phone looks like, which category is a leaf, who may do what)
live in `appeals.intake` and `appeals.services`, which the API calls too. A
refusal from there (`Invalid` with `.field`) is put back next to its field with
`add_service_error`. Only the missing required fields of a new request are
reported by the form itself, so that a resident sees them all at once.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.utils.translation import get_language, gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from organisations.access import dispatchable_units
from organisations.models import Node
from organisations.tree import tree

from .catalogue import catalogue
from .errors import ActionError
from .intake import STAFF_CHANNELS
from .models import Appeal, Category
from .photos import MAX_PHOTOS

# Fields the services name that are shown elsewhere on the form.
FIELD_ALIASES = {"lat": "address", "lng": "address", "title": "description"}


def category_label(category: Category) -> str:
    if category.name_en and (get_language() or "").startswith("en"):
        return category.name_en
    return category.name


def category_choices() -> list:
    """Leaf categories, grouped under their parent (a parent without children
    is a choice of its own)."""
    choices: list = [("", _("Choose a category"))]
    order = catalogue().filter_order
    for i, (row, child) in enumerate(order):
        if child:
            continue
        kids = []
        for kid, is_child in order[i + 1:]:
            if not is_child:
                break
            kids.append(kid)
        if kids:
            choices.append((category_label(row), [(k.code, category_label(k)) for k in kids]))
        else:
            choices.append((row.code, category_label(row)))
    return choices


def community_choices() -> list:
    groups = defaultdict(list)
    places = tree()
    for node in sorted((n for n in places.places if n.kind == Node.Kind.COMMUNITY), key=lambda n: n.path):
        parent = places.by_id.get(node.parent_id)
        groups[parent.name if parent else ""].append((node.code, node.name))
    return [("", _("I don't know"))] + [(town, items) if town else items[0] for town, items in groups.items()]


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; their content is checked by appeals.photos."""

    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]


class ServiceForm(forms.Form):
    """A form whose rules are checked by a service function."""

    required_css_class = "required"

    def add_service_error(self, exc: ActionError) -> None:
        field = FIELD_ALIASES.get(exc.field or "", exc.field)
        self.add_error(field if field in self.fields else None, exc.detail)

    def service_data(self) -> dict:
        """What the browser sent, as the service expects it (strings)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "photos"}


def _text_input(**attrs):
    return forms.TextInput(attrs=attrs)


class IntakeFields(ServiceForm):
    """The fields a resident and a staff member share."""

    category = forms.ChoiceField(label=_("What is it about?"), required=False)
    description = forms.CharField(
        label=_("Describe the problem"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "required": True, "maxlength": 2000}),
    )
    photos = MultiplePhotoField(
        label=_("Photos"), required=False,
        help_text=ngettext_lazy("Up to %(n)d photo.", "Up to %(n)d photos.", "n") % {"n": MAX_PHOTOS},
        widget=MultiplePhotoInput(attrs={"accept": "image/*"}),
    )
    lat = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-map-lat": ""}))
    lng = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-map-lng": ""}))
    address = forms.CharField(
        label=_("Address"), required=False, max_length=200,
        help_text=_("For example: compound, building, unit, or a landmark nearby."),
        widget=_text_input(autocomplete="street-address"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["category"].widget.attrs["required"] = True

    # Fields whose absence is reported all at once, before the service checks
    # the rest one by one (same wording as appeals.intake).
    REQUIRED = {"description": _("a description")}

    def clean(self):
        data = super().clean()
        if "category" in self.fields and not data.get("category") and "category" not in self.errors:
            self.add_error("category", gettext("Choose a category from the list."))
        for name, label in self.REQUIRED.items():
            if name in self.fields and not (data.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, gettext("Please give %(label)s.") % {"label": label})
        if not (data.get("address") or "").strip() and not data.get("lat") and "address" not in self.errors:
            self.add_error("address", gettext("Put a pin on the map or give the address."))
        return data


class SubmitForm(IntakeFields):
    """A resident's own request (the same fields the mini-program sends)."""

    contact_name = forms.CharField(
        label=_("Your name"), required=False, max_length=40, widget=_text_input(autocomplete="name"),
    )
    contact_phone = forms.CharField(
        label=_("Your phone number"), required=False, max_length=20,
        help_text=_("We call you about this request only. Its last 4 digits let you evaluate the reply or "
                    "withdraw the request."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "required": True}),
    )
    type = forms.ChoiceField(label=_("Kind of request"), required=False, choices=Appeal.Type.choices,
                             initial=Appeal.Type.HELP)
    urgency = forms.ChoiceField(label=_("How urgent?"), required=False, choices=Appeal.Urgency.choices,
                                initial=Appeal.Urgency.NORMAL, widget=forms.RadioSelect)
    community = forms.ChoiceField(label=_("Your community (if you know it)"), required=False)
    anonymous = forms.BooleanField(
        label=_("Hide my name and phone number from the handling unit"), required=False,
    )

    REQUIRED = {**IntakeFields.REQUIRED, "contact_phone": _("a phone number")}

    field_order = ["contact_name", "contact_phone", "category", "type", "urgency", "description", "photos",
                   "lat", "lng", "address", "community", "anonymous"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = community_choices()


STAFF_CHANNEL_CHOICES = [(c.value, c.label) for c in Appeal.Channel if c in STAFF_CHANNELS]


class StaffIntakeForm(IntakeFields):
    """Staff register a request on a resident's behalf, or handle it on the spot."""

    channel = forms.ChoiceField(label=_("How did it come in?"), choices=STAFF_CHANNEL_CHOICES,
                                widget=forms.RadioSelect)
    type = forms.ChoiceField(label=_("Kind"), required=False, choices=Appeal.Type.choices,
                             initial=Appeal.Type.HELP)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    contact_name = forms.CharField(label=_("Name"), required=False, max_length=40)
    contact_phone = forms.CharField(
        label=_("Phone"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    on_the_spot = forms.BooleanField(label=_("Handled on the spot"), required=False)
    result = forms.ChoiceField(label=_("Result"), required=False, choices=Appeal.Result.choices,
                               initial=Appeal.Result.RESOLVED, widget=forms.RadioSelect)
    reply = forms.CharField(
        label=_("Reply to the resident"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["channel", "category", "type", "urgent", "description", "address", "lat", "lng",
                   "contact_name", "contact_phone", "photos", "on_the_spot", "result", "reply"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["rows"] = 3

    def add_service_error(self, exc: ActionError) -> None:
        if self.cleaned_data.get("on_the_spot") and exc.field == "content":
            self.add_error("reply", exc.detail)
            return
        super().add_service_error(exc)

    def service_data(self) -> dict:
        data = super().service_data()
        for name in ("channel", "urgent", "on_the_spot", "result", "reply"):
            data.pop(name, None)
        data["urgency"] = Appeal.Urgency.URGENT if self.cleaned_data.get("urgent") else Appeal.Urgency.NORMAL
        return data


# --- One small form per action on the staff request page ---------------------

def _reason(label=None, rows=2, required=True):
    label = label or _("Reason")
    attrs = {"rows": rows, "maxlength": 500}
    if required:
        attrs["required"] = True
    return forms.CharField(label=label, required=False, max_length=500, widget=forms.Textarea(attrs=attrs))


def _note(label=None):
    return forms.CharField(label=label or _("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(ServiceForm):
    """Renders one action's fields and turns them into the service's keywords."""

    def __init__(self, *args, appeal: Appeal, user, **kwargs):
        self.appeal = appeal
        self.user = user
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class NoteOnlyForm(ActionForm):
    note = _note()


class NoFieldsForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = _reason()


class DispatchForm(ActionForm):
    unit = forms.ChoiceField(label=_("Lead unit"), required=False)
    co_units = forms.MultipleChoiceField(
        label=_("Co-units (optional)"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    note = _note(_("Instructions for the unit (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = [(str(u.pk), u.name) for u in dispatchable_units(self.user)]
        self.fields["unit"].choices = [("", _("Choose a unit"))] + units
        self.fields["unit"].widget.attrs["required"] = True
        self.fields["co_units"].choices = units
        if self.appeal.unit_id and not self.is_bound:
            self.initial["unit"] = str(self.appeal.unit_id)


class ExtensionRequestForm(ActionForm):
    days = forms.IntegerField(label=_("Extra working days"), required=False, min_value=1, max_value=3, initial=1)
    reason = _reason()


class ExtensionDecisionForm(ActionForm):
    approve = forms.TypedChoiceField(
        required=False, choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1",
        empty_value=None,
    )
    note = _note()


class ReplyForm(ActionForm):
    result = forms.ChoiceField(label=_("Result"), required=False, choices=Appeal.Result.choices,
                               widget=forms.RadioSelect)
    content = forms.CharField(
        label=_("Reply to the resident"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
    )


class EvaluateForm(ActionForm):
    """A call-back operator records the resident's rating."""

    rating = forms.ChoiceField(label=_("The resident's rating"), required=False,
                               choices=Appeal.Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(ActionForm):
    into = forms.CharField(label=_("Tracking number of the request to merge into"), required=False,
                           max_length=24, widget=_text_input(required=True))

    def service_kwargs(self) -> dict:
        from .access import visible_appeals

        value = (self.cleaned_data.get("into") or "").strip().upper()
        if not value:
            return {"into": None}
        target = visible_appeals(self.user).filter(tracking_no=value).values_list("pk", flat=True).first()
        return {"into": target or 0}


def _message(label):
    return forms.CharField(label=label, required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2, "required": True}))


class UrgeForm(ActionForm):
    content = _message(_("Message to the handling unit"))


class SuperviseForm(ActionForm):
    content = _message(_("Supervision notice"))


class NoteForm(ActionForm):
    content = _message(_("Internal note (staff only)"))


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "register": NoteOnlyForm,
    "reject": ReasonForm,
    "dispatch": DispatchForm,
    "sign": NoFieldsForm,
    "return": ReasonForm,
    "start": NoteOnlyForm,
    "request-extension": ExtensionRequestForm,
    "approve-extension": ExtensionDecisionForm,
    "reply": ReplyForm,
    "evaluate": EvaluateForm,
    "reopen": ReasonForm,
    "close": NoteOnlyForm,
    "merge": MergeForm,
    "urge": UrgeForm,
    "supervise": SuperviseForm,
    "note": NoteForm,
}


class TrackForm(forms.Form):
    no = forms.CharField(
        label=_("Tracking number"), max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "HBY-20260605-0042", "autocapitalize": "characters",
                                      "autocomplete": "off", "spellcheck": "false"}),
    )


class ResidentProofForm(forms.Form):
    """A resident without an account acts on their request by the tracking
    number and the last 4 digits of the phone they left (checked by the view)."""

    phone_digits = forms.RegexField(
        label=_("Last 4 digits of your phone number"), regex=r"^\d{4}$", max_length=4,
        error_messages={"invalid": _("Give the last 4 digits of the phone number you left."),
                        "required": _("Give the last 4 digits of the phone number you left.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"\d{4}"}),
    )


class ResidentEvaluateForm(ResidentProofForm):
    rating = forms.ChoiceField(
        label=_("Are you satisfied with the reply?"), choices=Appeal.Rating.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = forms.CharField(label=_("Anything to add? (optional)"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ResidentWithdrawForm(ResidentProofForm):
    reason = forms.CharField(label=_("Why do you withdraw it? (optional)"), required=False, max_length=200,
                             widget=forms.Textarea(attrs={"rows": 3}))
