"""The administrator's corrections to the official calendar: single days
(holidays, adjusted working days 调休) and the years entered by hand."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, CalendarYear


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_workday", "note")
    list_filter = ("is_workday",)
    search_fields = ("note",)
    date_hierarchy = "date"
    ordering = ("-date",)

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, day: CalendarDay) -> str:
        from django.utils.dates import WEEKDAYS

        return WEEKDAYS[day.date.weekday()]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Mark a year as entered once all its holidays and adjusted working days
    are in; until then its deadlines are computed on weekdays and flagged as
    estimated."""

    list_display = ("year", "note")
    ordering = ("-year",)
