"""The administrator's corrections to the official calendar: single days
(holidays, adjusted working days 调休), and the years entered by hand, with the
whole schedule of a year typed in one go. Every change tells whoever keeps
deadlines (workcalendar.signals.schedule_changed): appeals recalculates the
deadlines it had to estimate."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .calendar import package_covers
from .models import CalendarDay, CalendarYear
from .signals import schedule_changed


def _changed(years) -> None:
    schedule_changed.send(sender=CalendarYear, years=sorted(set(years)))


def coverage() -> str:
    """Which years the deadlines know: the package's, the entered ones, and what happens to the others."""
    from importlib.metadata import version

    today = timezone.localdate()
    known = [y for y in range(2000, today.year + 4) if package_covers(y)]
    entered = list(CalendarYear.objects.order_by("year").values_list("year", flat=True))
    package = (_("the calendar package (chinesecalendar %(version)s) has %(first)d–%(last)d")
               % {"version": version("chinesecalendar"), "first": known[0], "last": known[-1]}) if known \
        else _("the calendar package has no year")
    by_hand = (_("entered here: %(years)s") % {"years": "、".join(str(y) for y in entered)}) if entered \
        else _("no year entered here")
    return _("Holidays and adjusted working days: %(package)s; %(by_hand)s. A year in neither counts Monday "
             "to Friday as working days, and its deadlines are marked as estimated until it is entered.") % {
        "package": package, "by_hand": by_hand}


class CoverageNote:
    """Both calendar lists say, above the table, which years are known."""

    change_list_template = "admin/workcalendar/change_list.html"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "calendar_coverage": coverage()})


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ("date", "is_workday", "note")
        help_texts = {"is_workday": _("Ticked: people work that day (an adjusted working day 调休, even on a "
                                      "weekend). Unticked: a day off (a holiday, even on a weekday): it is not "
                                      "counted in any time limit.")}


@admin.register(CalendarDay)
class CalendarDayAdmin(CoverageNote, admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "weekday", "is_workday", "note")
    list_filter = ("is_workday",)
    search_fields = ("note",)
    date_hierarchy = "date"
    ordering = ("-date",)

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, day: CalendarDay) -> str:
        from django.utils.dates import WEEKDAYS

        return WEEKDAYS[day.date.weekday()]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _changed([obj.date.year])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _changed([obj.date.year])

    def delete_queryset(self, request, queryset):
        years = list(queryset.values_list("date__year", flat=True))
        super().delete_queryset(request, queryset)
        _changed(years)


# One line of a year's schedule: a day or a range of days, off (休) or worked (班), and a note.
LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*(?:~|至|到|\.\.)\s*(\d{4}-\d{2}-\d{2}))?\s+(休|班|off|work)\s*(.*)$")


def parse_schedule(text: str, year: int) -> list[tuple[date, bool, str]]:
    """The days of a schedule typed as the State Council publishes it, one
    line each: "2027-02-06~2027-02-13 休 春节", "2027-02-14 班 春节调休"."""
    days: list[tuple[date, bool, str]] = []
    problems = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = LINE.match(line)
        try:
            first = date.fromisoformat(match.group(1)) if match else None
            last = date.fromisoformat(match.group(2)) if match and match.group(2) else first
        except ValueError:
            first = last = None
        if first is None or last < first or (last - first).days > 31:
            problems.append(_("Line %(n)d is not a day or range of days followed by 休 or 班: %(line)s")
                            % {"n": number, "line": line})
            continue
        if first.year != year or last.year != year:
            problems.append(_("Line %(n)d is not in %(year)d: %(line)s") % {"n": number, "year": year, "line": line})
            continue
        worked = match.group(3) in ("班", "work")
        for offset in range((last - first).days + 1):
            days.append((first + timedelta(days=offset), worked, match.group(4).strip()[:100]))
    if problems:
        raise forms.ValidationError(problems)
    return days


def schedule_text(days: list[tuple[date, bool, str]]) -> str:
    """The days as parse_schedule reads them, runs of alike days as one range."""
    lines: list[list] = []
    for day, worked, note in days:
        last = lines[-1] if lines else None
        if last and last[1] == day - timedelta(days=1) and last[2:] == [worked, note]:
            last[1] = day
        else:
            lines.append([day, day, worked, note])
    return "\n".join(
        (f"{a.isoformat()}~{b.isoformat()}" if a != b else a.isoformat()) + f" {'班' if w else '休'} {n}".rstrip()
        for a, b, w, n in lines)


EXAMPLE = "2027-02-06~2027-02-13 休 春节\n2027-02-14 班 春节调休"


class CalendarYearForm(forms.ModelForm):
    schedule = forms.CharField(
        label=_("The year's holidays and adjusted working days"), required=False,
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": EXAMPLE}),
        help_text=_("One line each, as the State Council publishes them: a day or a range (with ~), then 休 (off) "
                    "or 班 (worked), then a note. Every other day counts as an ordinary weekday or weekend. "
                    "Saving the list replaces the year's days entered before."),
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "note", "schedule"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:  # the days entered so far, to correct in place
            days = CalendarDay.objects.filter(date__year=self.instance.year).order_by("date")
            self.initial["schedule"] = schedule_text([(d.date, d.is_workday, d.note) for d in days])

    def clean(self):
        data = super().clean()
        year = data.get("year")
        if year and data.get("schedule"):
            try:
                data["days"] = parse_schedule(data["schedule"], year)
            except forms.ValidationError as error:
                self.add_error("schedule", error)
        return data


@admin.register(CalendarYear)
class CalendarYearAdmin(CoverageNote, admin.ModelAdmin):
    """Mark a year as entered once all its holidays and adjusted working days
    are in; until then its deadlines are computed on weekdays and flagged as
    estimated. What the calendar package knows of a year always stays."""

    form = CalendarYearForm
    list_display = ("year", "note", "from_package")
    ordering = ("-year",)

    @admin.display(description=_("in the calendar package"), boolean=True)
    def from_package(self, year: CalendarYear) -> bool:
        return package_covers(year.year)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        days = form.cleaned_data.get("days") or []
        if days:  # the whole schedule typed again replaces the year's days, not adds to them
            CalendarDay.objects.filter(date__year=obj.year).exclude(date__in=[d for d, _w, _n in days]).delete()
        for day, worked, note in days:
            CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": worked, "note": note})
        _changed([obj.year])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _changed([obj.year])

    def get_changeform_initial_data(self, request):
        return {"year": request.GET.get("year") or timezone.localdate().year + 1}
