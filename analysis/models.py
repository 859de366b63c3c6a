"""The figures of 分析研判, kept from the timeline.

- `Fact`: what one request contributes, per unit that had a part in it (the
  lead unit owns the request's counts; a unit it was returned by, and every
  co-unit, keep the counts of their own part). Worked out from the request's
  timeline events alone (analysis.facts), in the transaction that writes them.
  A community, a grid, a unit has at most tens of thousands of them: their
  figures are summed from the facts directly.
- `Tally`: the facts of each county, town and community summed per month and
  year (counties per day too), per category and channel. `UnitTally` and
  `HoursTally`: those of each county and town per category and unit, and per
  handling time in tenths of a working hour (the 90th percentile is exact at
  that precision; category 0 holds them all). A county's or a town's figures
  for any period read a few thousand rows. `PlaceTally`: each place's
  received, replied and dissatisfied requests, for the hotspot map.
- `FigureSettings`: the choices the admin makes (基本满意, minimum standards,
  what the public sees).
- `ExportJob`: a long Excel export the worker makes.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The counted columns, shared by Fact and Tally (analysis.figures sums them).
COUNTERS = (
    # the request (the lead unit's part only)
    "received", "registered", "rejected", "replied", "replied_on_time", "closed", "withdrawn", "merged",
    "reopened", "reopenings", "extensions", "evaluated", "satisfied", "basically", "dissatisfied", "resolved",
    "callbacks", "on_the_spot", "handled", "handled_tenths",
    # each unit's own part
    "dispatched", "signed", "signed_on_time", "returns", "response_due", "responded_on_time",
    "co_parts", "co_replied",
    # received, by type and urgency (the breakdowns that need the received count only)
    "urgent", "type_question", "type_help", "type_complaint", "type_suggestion", "type_praise",
)
TYPE_COUNTERS = {"question": "type_question", "help": "type_help", "complaint": "type_complaint",
                 "suggestion": "type_suggestion", "praise": "type_praise"}


class Counted(models.Model):
    received = models.IntegerField(default=0)
    registered = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    replied = models.IntegerField(default=0)
    replied_on_time = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    merged = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)  # requests reopened at least once
    reopenings = models.IntegerField(default=0)
    extensions = models.IntegerField(default=0)  # approved
    evaluated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basically = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)  # evaluated, and the reply's result is "resolved"
    callbacks = models.IntegerField(default=0)  # evaluations recorded by a call-back
    on_the_spot = models.IntegerField(default=0)  # 即接即办
    handled = models.IntegerField(default=0)  # replied, with a handling time
    handled_tenths = models.BigIntegerField(default=0)  # their working hours × 10, summed
    dispatched = models.IntegerField(default=0)
    signed = models.IntegerField(default=0)
    signed_on_time = models.IntegerField(default=0)
    returns = models.IntegerField(default=0)
    response_due = models.IntegerField(default=0)
    responded_on_time = models.IntegerField(default=0)
    co_parts = models.IntegerField(default=0)
    co_replied = models.IntegerField(default=0)
    urgent = models.IntegerField(default=0)
    type_question = models.IntegerField(default=0)
    type_help = models.IntegerField(default=0)
    type_complaint = models.IntegerField(default=0)
    type_suggestion = models.IntegerField(default=0)
    type_praise = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Fact(Counted):
    appeal_id = models.BigIntegerField()
    unit = models.IntegerField(default=0)  # 0: no unit yet
    owner = models.BooleanField(default=False)  # the part that holds the request's own counts
    day = models.DateField()  # the day the request was received (its cohort)
    node = models.IntegerField()  # the request's place (compound, grid or community)
    county = models.IntegerField(default=0)  # the place's county, town and community (0: none)
    town = models.IntegerField(default=0)
    community = models.IntegerField(default=0)
    category = models.IntegerField()
    channel = models.CharField(max_length=12)
    type = models.CharField(max_length=12)
    urgency = models.CharField(max_length=8)
    hours_tenths = models.IntegerField(null=True)  # the owner part of a replied request

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal_id", "unit"], name="fact_one_per_part")]
        indexes = [models.Index(fields=[f, "day"], name=f"fact_{f}_day")
                   for f in ("node", "community", "town", "county", "unit")]

    def __str__(self) -> str:
        return f"{self.appeal_id}/{self.unit}"


class Grain(models.TextChoices):
    DAY = "D", _("day")
    MONTH = "M", _("month")
    YEAR = "Y", _("year")


class Tally(Counted):
    """The counts of a county, town or community per period, category and channel."""

    scope = models.IntegerField()  # the node's id
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()  # the day, or the first day of the month or year
    category = models.IntegerField()
    channel = models.CharField(max_length=12)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "grain", "period", "category", "channel"],
                                               name="tally_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.grain}{self.period}"


class UnitTally(Counted):
    """The counts of a county or town per period, category and unit: the per-unit tables and rankings."""

    scope = models.IntegerField()
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()
    category = models.IntegerField()
    unit = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "grain", "period", "category", "unit"],
                                               name="unit_tally_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.grain}{self.period} u{self.unit}"


class HoursTally(models.Model):
    """Replied requests per handling time; category 0 holds every category's (so
    that a scope's whole distribution is a few hundred rows)."""

    scope = models.IntegerField()
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()
    category = models.IntegerField()
    tenths = models.IntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "grain", "period", "category", "tenths"],
                                               name="hours_tally_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.grain}{self.period} {self.tenths}"


# The counts the hotspot map shows per place.
PLACE_COUNTERS = ("received", "replied", "dissatisfied")


class PlaceTally(models.Model):
    """The requests of each place they were made at (a compound, grid or
    community) per county, month and year, per category (category 0: all of
    them): the hotspot map of any scope reads a county's rows for the places
    under the scope."""

    scope = models.IntegerField()  # the county
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()
    category = models.IntegerField()
    node = models.IntegerField()
    received = models.IntegerField(default=0)
    replied = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "grain", "period", "category", "node"],
                                               name="place_tally_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.grain}{self.period} n{self.node}"


class FigureSettings(models.Model):
    """One row: how the figures count, chosen by the admin."""

    class Basic(models.TextChoices):
        SATISFIED = "satisfied", _("counts as satisfied")
        EXCLUDED = "excluded", _("is left out of the valid evaluations")
        WEIGHTED = "weighted", _("counts as satisfied at a weight")

    basically = models.CharField(_("基本满意 (basically satisfied)"), max_length=10, choices=Basic.choices,
                                 default=Basic.SATISFIED)
    basically_weight = models.DecimalField(_("its weight"), max_digits=3, decimal_places=2, default=Decimal("0.8"),
                                           help_text=_("Between 0 and 1; used when it counts at a weight."))
    min_reply_rate = models.DecimalField(_("minimum reply rate (%)"), max_digits=5, decimal_places=1,
                                         default=Decimal("92"))
    min_satisfaction_rate = models.DecimalField(_("minimum satisfaction rate (%)"), max_digits=5, decimal_places=1,
                                                default=Decimal("85"))

    public_summary = models.BooleanField(
        _("public summary"), default=True,
        help_text=_("The public page and embeddable snippet of each community's and the county's figures "
                    "(no personal data)."))
    public_requests = models.BooleanField(
        _("public map and list of requests"), default=False,
        help_text=_("Residents see the requests by category and state on a map and a list, without personal "
                    "data and placed only at their compound or grid."))

    class Meta:
        verbose_name = _("figure settings")
        verbose_name_plural = _("figure settings")

    def __str__(self) -> str:
        return str(_("figure settings"))

    @classmethod
    def current(cls) -> FigureSettings:
        return cls.objects.first() or cls()


class ExportJob(models.Model):
    """A long Excel export, made by the worker (notifications.worker) while the
    person watches its progress; the file is theirs alone to download."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    params = models.JSONField(default=dict)
    title = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    file = models.CharField(max_length=200, blank=True)  # path under MEDIA_ROOT/exports/
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"], name="export_job_queue")]

    def __str__(self) -> str:
        return f"{self.kind} {self.state} {self.done}/{self.total}"
