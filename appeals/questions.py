"""The extra questions of a category (models.Question) and the one check of
their answers, for the resident page, the API and Open311 alike.

Answers arrive as {code: value}, a value being text, or a list of keys for a
multiple-choice question; they are stored as {code: text} or {code: [keys]}:
a number as it was written once checked, a time in ISO 8601 with its offset.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .catalogue import catalogue
from .errors import Invalid
from .models import Category, Question

D = Question.Datatype
SHORT, LONG = 200, 2000  # the longest answer to a short and a long text question
FIELD = "answers.{code}"  # the field an answer's problem names


def of(category: Category | None) -> list[Question]:
    """The active questions of a category, in their order (informational ones included)."""
    if category is None:
        return []
    return catalogue().questions.get(category.pk, [])


def label(question: Question) -> str:
    if question.description_en and (get_language() or "").startswith("en"):
        return question.description_en
    return question.description


def _one(question: Question, value) -> str | list[str] | None:
    """The clean answer to one question (None: not answered), or Invalid."""
    field = FIELD.format(code=question.code)
    name = label(question)
    if question.datatype == D.MULTI:
        items = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
        if not all(isinstance(v, str) for v in items):
            raise Invalid(_("“%(q)s”: choose from the list.") % {"q": name}, field=field)
        items = [v.strip() for v in items if v.strip()]
        keys = {k for k, _n in question.values()}
        wrong = [v for v in items if v not in keys]
        if wrong:
            raise Invalid(_("“%(q)s”: “%(v)s” is not one of the choices.") % {"q": name, "v": wrong[0][:40]},
                          field=field)
        return list(dict.fromkeys(items)) or None
    if isinstance(value, (list, tuple)):
        if len(value) > 1:
            raise Invalid(_("“%(q)s” takes one answer.") % {"q": name}, field=field)
        value = value[0] if value else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and question.datatype == D.NUMBER:
        value = str(value)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(_("“%(q)s”: the answer must be text.") % {"q": name}, field=field)
    value = value.strip()
    if not value:
        return None
    if question.datatype in (D.STRING, D.TEXT):
        longest = SHORT if question.datatype == D.STRING else LONG
        if len(value) > longest:
            raise Invalid(_("“%(q)s”: at most %(n)d characters (this has %(len)d).")
                          % {"q": name, "n": longest, "len": len(value)}, field=field)
        return value
    if question.datatype == D.NUMBER:
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or len(value) > 30:
            raise Invalid(_("“%(q)s”: give a number, e.g. 3 or 2.5.") % {"q": name}, field=field)
        return value.replace(",", "")
    if question.datatype == D.DATETIME:
        try:
            moment = parse_datetime(value)
            if moment is None and parse_date(value) is not None:
                moment = parse_datetime(value + "T00:00")
        except ValueError:
            moment = None
        if moment is None:
            raise Invalid(_("“%(q)s”: give a date and time, e.g. 2026-12-01 08:30.") % {"q": name}, field=field)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return timezone.localtime(moment).isoformat(timespec="minutes")
    # One choice from a list.
    if value not in {k for k, _n in question.values()}:
        raise Invalid(_("“%(q)s”: “%(v)s” is not one of the choices.") % {"q": name, "v": value[:40]}, field=field)
    return value


def clean(category: Category | None, raw, *, required: bool = True) -> dict:
    """The clean answers of `raw` for `category`, or one Invalid carrying every
    problem: a question not asked, a wrong answer, a required one missing
    (unless `required` is off: staff registering for a resident ask what they can)."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise Invalid(_("The answers must be given question by question."), field="answers")
    asked = {q.code: q for q in of(category) if q.variable}
    problems: list[Invalid] = []
    unknown = next((str(code)[:40] for code in raw if code not in asked), None)
    if unknown is not None:  # the first one: the rest are likely the same mistake
        refused = Invalid(_("This category asks no question “%(code)s”.") % {"code": unknown},
                          field=FIELD.format(code=unknown), code="unknown_question")
        refused.references = {refused.field}
        problems.append(refused)
    answers: dict = {}
    for code, question in asked.items():
        try:
            value = _one(question, raw.get(code))
        except Invalid as exc:
            problems.append(exc)
            continue
        if value is not None:
            answers[code] = value
        elif required and question.required:
            problems.append(Invalid(_("Please answer “%(q)s”.") % {"q": label(question)},
                                    field=FIELD.format(code=code)))
    if problems:
        raise Invalid.all_of(problems)
    return answers


def _readable(question: Question | None, value: str) -> str:
    """A stored time as people write it ("2026-12-01 08:30"); anything else as it is."""
    if question is not None and question.datatype == D.DATETIME:
        moment = parse_datetime(value)
        if moment is not None:
            return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).strftime("%Y-%m-%d %H:%M")
    return value


def shown(category: Category | None, answers: dict) -> list[tuple[str, str]]:
    """The answers as people read them: (question, answer), in the questions'
    order, choices by their names and times as people write them; answers to
    questions since removed keep their code as the question."""
    if not answers:
        return []
    questions = {q.code: q for q in of(category)}
    rows = []
    for code in sorted(answers, key=lambda c: (questions[c].order if c in questions else 10**6, c)):
        question = questions.get(code)
        value = answers[code]
        names = dict(question.values()) if question is not None else {}
        items = value if isinstance(value, list) else [value]
        rows.append((label(question) if question else code,
                     "、".join(names.get(v, _readable(question, v)) for v in items)))
    return rows
