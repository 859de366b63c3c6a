"""Forms of the server-rendered pages.

The forms render the fields and coerce what the browser sends; the rules
themselves (what is required, how long text may be, what a phone looks like,
which category is a leaf, who may do what) live in `appeals.intake` and
`appeals.services`, which the API calls too. Their refusal carries every
problem found in one round, and `add_service_error` puts each next to its
field. The browser checks nothing by itself (no `required` or `maxlength`
attributes: every message is the app's own); a small script counts
characters against `data-maxlength`.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django import forms
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from organisations.access import dispatchable_units
from organisations.models import Node
from organisations.tree import tree

from . import intake, questions
from .catalogue import catalogue
from .errors import ActionError
from .intake import STAFF_CHANNELS
from .models import Appeal, Category, Question
from .photos import MAX_PHOTOS
from .services import REASON, TRACKING_REASON_LENGTH

# Fields the services name that are shown elsewhere on the form.
FIELD_ALIASES = {"lat": "address", "lng": "address", "title": "description", "name": "contact_name"}


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


def community_choices(first_label=None) -> list:
    groups = defaultdict(list)
    places = tree()
    for node in sorted((n for n in places.places if n.kind == Node.Kind.COMMUNITY), key=lambda n: n.path):
        parent = places.by_id.get(node.parent_id)
        groups[parent.name if parent else ""].append((node.code, node.name))
    first = [("", first_label or _("I don't know"))]
    return first + [(town, items) if town else items[0] for town, items in groups.items()]


class Text(forms.CharField):
    """Text whose length the service checks (refused, never cut); the page
    counts the characters against `data-maxlength` as the person types."""

    def __init__(self, *, limit: int, rows: int = 0, **kwargs):
        self.limit = limit
        kwargs.setdefault("required", False)
        if rows:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "data-maxlength": str(self.limit)}


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; their content is checked by appeals.photos."""

    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]


def photos_field(label=None) -> MultiplePhotoField:
    return MultiplePhotoField(
        label=label or _("Photos"), required=False,
        help_text=ngettext_lazy("Up to %(n)d photo.", "Up to %(n)d photos.", "n") % {"n": MAX_PHOTOS},
        widget=MultiplePhotoInput(attrs={"accept": "image/*", "data-photo-preview": ""}),
    )


class ServiceForm(forms.Form):
    """A form whose rules are checked by a service function."""

    required_css_class = "required"
    use_required_attribute = False  # the app's own messages, not the browser's bubbles
    # Fields the service requires: marked on the page (the service says when one is missing).
    MARKED: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.MARKED:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-required"] = "true"
                self.fields[name].marked = True

    def service_field(self, field: str | None) -> str | None:
        """The form field that shows a problem the service names `field` (None: the form's top)."""
        name = FIELD_ALIASES.get(field or "", field)
        return name if name in self.fields else None

    def add_service_error(self, exc: ActionError) -> None:
        for field, detail in exc.errors:
            name = self.service_field(field)
            if name is None or detail not in self.errors.get(name, []):
                self.add_error(name, detail)

    def service_data(self) -> dict:
        """What the browser sent, as the service expects it (strings)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "photos"}


def _text_input(**attrs):
    return forms.TextInput(attrs=attrs)


# --- A category's extra questions (appeals.questions) ----------------------------

ANSWER_PREFIX = "answer__"
MANY_CHOICES = 5  # a one-choice question with more choices than this is a list to pick from


class Choices(forms.Field):
    """The keys ticked for a several-choices question, as sent (the service checks them)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        if value in self.empty_values:
            return []
        items = value if isinstance(value, (list, tuple)) else [value]
        return [str(v).strip() for v in items if str(v).strip()]


def answer_name(category: Category, question: Question) -> str:
    return f"{ANSWER_PREFIX}{category.code}__{question.code}"


def answer_field(question: Question) -> forms.Field:
    """One question's form field. Every one is optional for the form: the
    service says what is missing or wrong, in the words of the question."""
    D = Question.Datatype
    kwargs = {"label": questions.label(question), "required": False,
              "help_text": question.datatype_description}
    if question.datatype == D.TEXT:
        return Text(limit=questions.LONG, rows=3, **kwargs)
    if question.datatype == D.NUMBER:
        return forms.CharField(widget=_text_input(inputmode="decimal"), **kwargs)
    if question.datatype == D.DATETIME:
        # As the browser sends it ("2026-12-01T08:30"): appeals.questions reads that.
        return forms.CharField(widget=forms.TextInput(attrs={"type": "datetime-local"}), **kwargs)
    if question.datatype == D.SINGLE:
        values = question.values()
        if len(values) > MANY_CHOICES:
            return forms.CharField(widget=forms.Select(choices=[("", _("Choose one"))] + values), **kwargs)
        return forms.CharField(widget=forms.RadioSelect(choices=values), **kwargs)
    if question.datatype == D.MULTI:
        return Choices(widget=forms.CheckboxSelectMultiple(choices=question.values()), **kwargs)
    return Text(limit=questions.SHORT, **kwargs)


class IntakeFields(ServiceForm):
    """The fields a resident and a staff member share."""

    # Select widgets on plain text fields: the service refuses an unknown value, with every other problem.
    category = forms.CharField(label=_("What is it about?"), required=False, widget=forms.Select)
    description = Text(label=_("Describe the problem"), limit=intake.DESCRIPTION, rows=5)
    photos = photos_field()
    lat = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-map-lat": ""}))
    lng = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-map-lng": ""}))
    address = Text(
        label=_("Address"), limit=intake.ADDRESS,
        help_text=_("For example: compound, building, unit, or a landmark nearby."),
        widget=_text_input(autocomplete="street-address"),
    )
    MARKED = ("category", "description")
    # Whether the service requires the answers of the required questions (not for staff).
    ANSWERS_REQUIRED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = category_choices()
        self._add_questions()

    def _add_questions(self) -> None:
        """One field per question of each leaf category that asks any, right
        after the category; `question_groups` is what includes/questions.html shows."""
        known = catalogue()
        self.answer_fields: dict[str, dict[str, str]] = {}  # category code -> {question code: field name}
        self.question_groups: list[dict] = []
        added: dict[str, forms.Field] = {}
        for category, _child in known.filter_order:
            asked = questions.of(category)
            if category.pk in known.parents or not asked:
                continue
            names, items = {}, []
            for question in asked:
                if not question.variable:
                    items.append({"text": questions.label(question)})
                    continue
                name = answer_name(category, question)
                field = added[name] = answer_field(question)
                if question.required and self.ANSWERS_REQUIRED:
                    field.marked = True
                    if not field.widget.use_fieldset:  # a group of choices says it in its legend
                        field.widget.attrs["aria-required"] = "true"
                names[question.code] = name
                items.append({"name": name})
            self.answer_fields[category.code] = names
            self.question_groups.append({"category": category, "items": items})
        if added:
            fields = list(self.fields.items())
            at = [name for name, _f in fields].index("category") + 1
            self.fields = dict(fields[:at] + list(added.items()) + fields[at:])
        for group in self.question_groups:
            for item in group["items"]:
                if "name" in item:
                    item["field"] = self[item.pop("name")]

    def chosen_answer_fields(self) -> dict[str, str]:
        """{question code: field name} of the category chosen."""
        code = getattr(self, "cleaned_data", {}).get("category")
        return self.answer_fields.get(code, {}) if isinstance(code, str) else {}

    def service_field(self, field: str | None) -> str | None:
        prefix = questions.FIELD.format(code="")  # "answers.": the chosen category's question
        if field and field.startswith(prefix):
            return self.chosen_answer_fields().get(field.removeprefix(prefix))
        return super().service_field(field)

    def service_data(self) -> dict:
        data = {name: value for name, value in super().service_data().items()
                if not name.startswith(ANSWER_PREFIX)}
        data["answers"] = {code: self.cleaned_data[name] for code, name in self.chosen_answer_fields().items()
                           if self.cleaned_data.get(name) not in (None, "", [])}
        return data


class SubmitForm(IntakeFields):
    """A resident's own request (the same fields the mini-program sends)."""

    contact_name = Text(label=_("Your name"), limit=intake.NAME, widget=_text_input(autocomplete="name"))
    contact_phone = Text(
        label=_("Your phone number"), limit=intake.PHONE,
        help_text=_("We call you about this request only, and send you its private link by text message."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    type = forms.ChoiceField(label=_("Kind of request"), required=False, choices=Appeal.Type.choices,
                             initial=Appeal.Type.HELP)
    urgency = forms.ChoiceField(label=_("How urgent?"), required=False, choices=Appeal.Urgency.choices,
                                initial=Appeal.Urgency.NORMAL, widget=forms.RadioSelect)
    community = forms.CharField(label=_("Your community (if you know it)"), required=False, widget=forms.Select)
    anonymous = forms.BooleanField(
        label=_("Hide my name and phone number from the handling unit"), required=False,
    )
    MARKED = IntakeFields.MARKED + ("contact_phone",)

    field_order = ["contact_name", "contact_phone", "category", "type", "urgency", "description", "photos",
                   "lat", "lng", "address", "community", "anonymous"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].widget.choices = community_choices()


STAFF_CHANNEL_CHOICES = [(c.value, c.label) for c in Appeal.Channel if c in STAFF_CHANNELS]


class StaffIntakeForm(IntakeFields):
    """Staff register a request on a resident's behalf, or handle it on the spot."""

    ANSWERS_REQUIRED = False  # staff ask what they can (appeals.questions.clean)

    channel = forms.ChoiceField(label=_("How did it come in?"), choices=STAFF_CHANNEL_CHOICES,
                                widget=forms.RadioSelect)
    type = forms.ChoiceField(label=_("Kind"), required=False, choices=Appeal.Type.choices,
                             initial=Appeal.Type.HELP)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    community = forms.CharField(
        label=_("Community"), required=False, widget=forms.Select,
        help_text=_("Where the matter is; if you leave it, the address decides, else your own area."),
    )
    contact_name = Text(label=_("Name"), limit=intake.NAME)
    contact_phone = Text(label=_("Phone"), limit=intake.PHONE,
                         help_text=_("The resident gets the request's private link by text message."),
                         widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    on_the_spot = forms.BooleanField(label=_("Handled on the spot"), required=False)
    result = forms.ChoiceField(label=_("Result"), required=False, choices=Appeal.Result.choices,
                               initial=Appeal.Result.RESOLVED, widget=forms.RadioSelect)
    reply = Text(label=_("Reply to the resident"), limit=2000, rows=3)

    field_order = ["channel", "category", "type", "urgent", "description", "community", "address", "lat", "lng",
                   "contact_name", "contact_phone", "photos", "on_the_spot", "result", "reply"]

    def __init__(self, *args, community_initial: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["rows"] = 3
        self.fields["community"].widget.choices = community_choices(_("Decided by the address"))
        if community_initial and not self.is_bound:
            self.initial["community"] = community_initial

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

def _reason(label=None, rows=2):
    return Text(label=label or _("Reason"), limit=REASON, rows=rows)


def _note(label=None):
    return Text(label=label or _("Note (optional)"), limit=2000, rows=2)


class ActionForm(ServiceForm):
    """Renders one action's fields and turns them into the service's keywords."""

    takes_photos = False

    def __init__(self, *args, appeal: Appeal, user, **kwargs):
        self.appeal = appeal
        self.user = user
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "photos"}


class NoteOnlyForm(ActionForm):
    note = _note()


class NoFieldsForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = _reason()
    MARKED = ("reason",)


class DispatchForm(ActionForm):
    unit = forms.ChoiceField(label=_("Lead unit"), required=False)
    co_units = forms.MultipleChoiceField(
        label=_("Co-units (optional)"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Each co-unit signs for and replies to its part; the lead unit replies to the resident."),
    )
    note = _note(_("Instructions for the unit (optional)"))
    MARKED = ("unit",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = [(str(u.pk), u.name) for u in dispatchable_units(self.user)]
        self.fields["unit"].choices = [("", _("Choose a unit"))] + units
        self.fields["co_units"].choices = units
        if self.appeal.unit_id and not self.is_bound:
            self.initial["unit"] = str(self.appeal.unit_id)


class ExtensionRequestForm(ActionForm):
    days = forms.IntegerField(label=_("Extra working days"), required=False, initial=1,
                              help_text=_("1 to 3 working days."))
    reason = _reason()
    MARKED = ("days", "reason")

    def clean_days(self):
        from .deadlines import MAX_EXTENSION_DAYS, extension_limit_message

        days = self.cleaned_data.get("days")
        if days is not None and not 1 <= days <= MAX_EXTENSION_DAYS:
            raise forms.ValidationError(extension_limit_message())
        return days


class ExtensionDecisionForm(ActionForm):
    approve = forms.TypedChoiceField(
        required=False, choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1",
        empty_value=None,
    )
    note = _note()


class ReplyForm(ActionForm):
    result = forms.ChoiceField(label=_("Result"), required=False, choices=Appeal.Result.choices,
                               widget=forms.RadioSelect)
    content = Text(label=_("Reply to the resident"), limit=2000, rows=4)
    co_note = Text(label=_("Why the reply does not wait for the co-units"), limit=REASON, rows=2,
                   help_text=_("Needed while a co-unit has not replied to its part."))
    photos = photos_field(_("Photos of the result (optional)"))
    takes_photos = True
    MARKED = ("result", "content")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .access import co_parts

        if not any(p.replied_at is None for p in co_parts(self.appeal)):
            del self.fields["co_note"]


class CoReplyForm(ActionForm):
    content = Text(label=_("Your unit's part, for the lead unit"), limit=2000, rows=3)
    MARKED = ("content",)


CALLBACK_CHOICES = [*Appeal.Rating.choices, ("unreached", _("Could not be reached"))]


class CallbackForm(ActionForm):
    """回访: the caller records the resident's answer."""

    outcome = forms.ChoiceField(label=_("The resident's answer on the phone"), required=False,
                                choices=CALLBACK_CHOICES, widget=forms.RadioSelect)
    comment = Text(label=_("What the resident said (optional)"), limit=REASON, rows=2)
    MARKED = ("outcome",)

    def service_kwargs(self) -> dict:
        outcome, comment = self.cleaned_data.get("outcome") or "", self.cleaned_data.get("comment") or ""
        if outcome == "unreached":
            return {"reached": False, "comment": comment}
        return {"reached": True, "rating": outcome, "comment": comment}


class MergeForm(ActionForm):
    into = forms.CharField(label=_("Tracking number of the request to merge into"), required=False,
                           widget=_text_input(autocapitalize="characters"))
    MARKED = ("into",)

    def service_kwargs(self) -> dict:
        from . import tracking
        from .access import visible_appeals

        value = tracking.normalise(self.cleaned_data.get("into") or "")
        if not (self.cleaned_data.get("into") or "").strip():
            return {"into": None}
        target = visible_appeals(self.user).filter(tracking_no=value).values_list("pk", flat=True).first()
        return {"into": target or 0}


def _message(label, limit=REASON):
    return Text(label=label, limit=limit, rows=2)


class UrgeForm(ActionForm):
    content = _message(_("Message to the handling unit"))
    MARKED = ("content",)


class SuperviseForm(ActionForm):
    content = _message(_("Supervision notice"), 1000)
    MARKED = ("content",)


class NoteForm(ActionForm):
    content = _message(_("Internal note (staff only)"), 2000)
    MARKED = ("content",)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "register": NoteOnlyForm,
    "reject": ReasonForm,
    "dispatch": DispatchForm,
    "sign": NoFieldsForm,
    "return": ReasonForm,
    "start": NoteOnlyForm,
    "request-extension": ExtensionRequestForm,
    "approve-extension": ExtensionDecisionForm,
    "co-sign": NoFieldsForm,
    "co-reply": CoReplyForm,
    "reply": ReplyForm,
    "callback": CallbackForm,
    "reopen": ReasonForm,
    "close": NoteOnlyForm,
    "merge": MergeForm,
    "urge": UrgeForm,
    "supervise": SuperviseForm,
    "note": NoteForm,
}

# The staff page's submit buttons, and what each says once done.
ACTION_BUTTONS = {
    "register": _("Register"),
    "reject": _("Do not accept"),
    "dispatch": _("Dispatch"),
    "sign": _("Sign for"),
    "return": _("Return to the dispatcher"),
    "start": _("Start handling"),
    "request-extension": _("Ask for an extension"),
    "approve-extension": _("Decide on the extension"),
    "co-sign": _("Sign for our part"),
    "co-reply": _("Reply to our part"),
    "reply": _("Reply"),
    "callback": _("Record the call-back"),
    "reopen": _("Reopen"),
    "close": _("Close"),
    "merge": _("Merge"),
    "urge": _("Urge"),
    "supervise": _("Supervise"),
    "note": _("Add an internal note"),
}

ACTION_DONE = {
    "register": _("Registered."),
    "reject": _("Not accepted; the resident sees the reason."),
    "dispatch": _("Dispatched."),
    "sign": _("Signed for."),
    "return": _("Returned to the dispatcher."),
    "start": _("Handling started."),
    "request-extension": _("Extension requested."),
    "approve-extension": _("Extension decided."),
    "co-sign": _("Signed for your unit's part."),
    "co-reply": _("Your unit's part is sent to the lead unit."),
    "reply": _("Reply sent."),
    "callback": _("Call-back recorded."),
    "reopen": _("Reopened."),
    "close": _("Closed."),
    "merge": _("Merged."),
    "urge": _("Urged: the handling unit is told."),
    "supervise": _("Under supervision."),
    "note": _("Note added."),
}


# --- The resident's pages ---------------------------------------------------------

class TrackForm(forms.Form):
    use_required_attribute = False
    no = forms.CharField(
        label=_("Tracking number"), max_length=40,
        error_messages={"required": _("Give the tracking number.")},
        widget=forms.TextInput(attrs={"placeholder": "HBY-20261201-K7M3QX", "autocapitalize": "characters",
                                      "autocomplete": "off", "spellcheck": "false"}),
    )


class ResidentEvaluateForm(forms.Form):
    use_required_attribute = False
    rating = forms.ChoiceField(
        label=_("Are you satisfied with the reply?"), choices=Appeal.Rating.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = Text(label=_("Anything to add? (optional)"), limit=REASON, rows=3)


class ResidentWithdrawForm(forms.Form):
    use_required_attribute = False
    reason = Text(label=_("Why do you withdraw it? (optional)"), limit=TRACKING_REASON_LENGTH, rows=3)


class CodeField(forms.CharField):
    """The six digits of a one-time code, as typed (full-width digits and spaces too)."""

    default_error_messages = {"invalid": _("The code has 6 digits.")}

    def to_python(self, value):
        from notifications.codes import normalise

        code = normalise(super().to_python(value))
        if code and not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return code


def _code_field():
    return CodeField(
        label=_("The 6-digit code from the text message"),
        error_messages={"required": _("Give the code from the text message.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class CodeForm(forms.Form):
    use_required_attribute = False
    code = _code_field()


class PhoneForm(forms.Form):
    use_required_attribute = False
    phone = forms.CharField(
        label=_("The phone number you gave"), max_length=40,
        error_messages={"required": _("Give the phone number you left with your requests.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        phone = intake.clean_phone(self.cleaned_data["phone"])
        if not intake.PHONE_RE.match(phone):
            raise forms.ValidationError(_("The phone number does not look right: give an 11-digit mobile or a "
                                          "landline."))
        return phone


class PhoneCodeForm(PhoneForm):
    code = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget = forms.HiddenInput()
