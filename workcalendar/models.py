"""Admin-kept corrections to the official calendar.

The `chinesecalendar` package covers the years its maintainers have entered;
the State Council publishes the next year's schedule each November, so an
administrator can enter it here before the package catches up. An override
row always wins over the package.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.note}"


class CalendarYear(models.Model):
    """A year whose full schedule the administrator has entered by hand, so
    that days without an override row in it count as ordinary weekdays and
    weekends instead of as estimates."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    note = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("entered calendar year")
        verbose_name_plural = _("entered calendar years")

    def __str__(self) -> str:
        return str(self.year)
