"""The 运行通报: a scope's weekly, monthly or quarterly report, as plain data.

`build(scope, kind, at)` reads the figures (analysis.figures.Query, the same
numbers as /api/v1/stats) of the period holding `at` and of the one before, and
lays them out as five sections of sentences and tables. The writers (the page,
analysis.report_files for .docx and .xlsx) only render them: a table cell is an
int, a str, a `Percent`, a list of lines, or None ("—").

Examples of requests name a title and a tracking number only, never a resident's
name, phone or address; runs of 7 digits or more in a title are masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from appeals.catalogue import catalogue
from appeals.models import Appeal, Status
from appeals.templatetags.hby import category_name
from organisations.tree import unit_names

from .figures import SMALL, Query, Rate, Scope
from .models import FigureSettings
from .privacy import shown_title
from .summary import figures_of

KINDS = ("week", "month", "quarter")
TOP = 5  # categories and hotspots listed
EXAMPLES = 3  # example requests per category or hotspot
RECENT = 12  # periods offered on the page
def kind_label(kind: str) -> str:
    return {"week": _("Weekly"), "month": _("Monthly"), "quarter": _("Quarterly")}[kind]


# --- Periods ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportPeriod:
    """A week (Monday to Sunday), a month or a quarter."""

    kind: str
    start: date
    end: date

    @classmethod
    def containing(cls, kind: str, day: date) -> ReportPeriod:
        if kind == "week":
            start = day - timedelta(days=day.weekday())
            return cls(kind, start, start + timedelta(days=6))
        months = 3 if kind == "quarter" else 1
        first = date(day.year, (day.month - 1) // months * months + 1, 1)
        after = date(first.year + (first.month + months > 12), (first.month + months - 1) % 12 + 1, 1)
        return cls(kind, first, after - timedelta(days=1))

    @property
    def key(self) -> str:
        return self.start.isoformat()

    def before(self) -> ReportPeriod:
        return ReportPeriod.containing(self.kind, self.start - timedelta(days=1))

    @property
    def label(self) -> str:
        """2026年11月, 2026年第48周 (ISO week), 2026年第三季度."""
        if self.kind == "week":
            year, week, _day = self.start.isocalendar()
            return _("week %(week)s of %(year)s") % {"week": week, "year": year}
        if self.kind == "quarter":
            names = {1: _("Q1 %(year)s"), 2: _("Q2 %(year)s"), 3: _("Q3 %(year)s"), 4: _("Q4 %(year)s")}
            return names[(self.start.month - 1) // 3 + 1] % {"year": self.start.year}
        return formats.date_format(self.start, "YEAR_MONTH_FORMAT")


def last_complete(kind: str, today: date) -> ReportPeriod:
    return ReportPeriod.containing(kind, today).before()


def recent(kind: str, today: date, n: int = RECENT) -> list[ReportPeriod]:
    """The last `n` complete periods of a kind, newest first."""
    out = [last_complete(kind, today)]
    while len(out) < n:
        out.append(out[-1].before())
    return out


# --- What a report holds ----------------------------------------------------------------

class Percent(float):
    """A rate in percent (shown as 92.3%; a number in Excel)."""

    def __str__(self) -> str:
        return f"{self:.1f}%"


def percent(rate: Rate) -> Percent | None:
    pct = rate.percent
    return None if pct is None else Percent(pct)


@dataclass
class Table:
    key: str
    caption: str
    header: list[str]
    rows: list[list]


@dataclass
class Section:
    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    scope: Scope
    period: ReportPeriod
    compared: tuple[date, date]  # the previous period (its same days while this one runs)
    running: bool
    generated_at: datetime
    title: str
    figures: dict  # summary.figures_of, as /api/v1/stats
    previous: dict
    overdue_now: int
    hours: tuple[float | None, float | None]
    units: list[dict]
    below: list[dict]
    too_few: list[dict]
    sections: list[Section]
    notes: list[str]

    @property
    def scope_line(self) -> str:
        return _("Scope: %(scope)s · Period: %(start)s to %(end)s · Generated at %(at)s") % {
            "scope": self.scope.name, "start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
            "at": timezone.localtime(self.generated_at).strftime("%Y-%m-%d %H:%M")}

    def table(self, key: str) -> Table:
        return next(t for s in self.sections for t in s.tables if t.key == key)


# --- Wording of changes ------------------------------------------------------------------

def count_change(new: int, old: int) -> str:
    """环比上升12.5% / 下降 / 持平, on the previous period's count."""
    if new == old:
        return _("level with the period before")
    if not old:
        return _("none in the period before")
    pct = Rate(abs(new - old), old).percent
    if new > old:
        return _("up %(pct)s%% on the period before") % {"pct": pct}
    return _("down %(pct)s%% on the period before") % {"pct": pct}


def points_change(new: float | None, old: float | None) -> str:
    """上升/下降 N 个百分点, on the previous period's rate."""
    if new is None or old is None:
        return _("nothing to compare with the period before")
    delta = round(abs(new - old), 1)
    if not delta:
        return _("level with the period before")
    if new > old:
        return _("up %(d)s points on the period before") % {"d": delta}
    return _("down %(d)s points on the period before") % {"d": delta}


def _pct_text(value) -> str:
    return "—" if value is None else f"{float(value):.1f}%"


def _number(value) -> str:
    """92 for 92.0, 92.5 for 92.5 (the admin's thresholds)."""
    return f"{float(value):g}"


def _share(n: int, total: int) -> Percent | None:
    return percent(Rate(n, total))


def _joined(items: list[str]) -> str:
    return _(", ").join(items) if items else _("none")


# --- Assembly ----------------------------------------------------------------------

def _midnight(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _examples(scope: Scope, start: date, end: date, *, category: int | None = None, place=None) -> list[str]:
    """A few requests of the period: their title (long digit runs masked) and tracking number."""
    qs = Appeal.objects.filter(created_at__gte=_midnight(start), created_at__lt=_midnight(end + timedelta(days=1)))
    qs = qs.exclude(status__in=(Status.REJECTED, Status.MERGED, Status.WITHDRAWN))
    qs = qs.filter(unit_id=scope.unit.pk) if scope.unit else qs.filter(node_path__startswith=scope.node.path)
    if place is not None:
        qs = qs.filter(node_path__startswith=place.path)
    if category is not None:
        qs = qs.filter(category_id=category)
    rows = (qs.select_related("category").order_by("-created_at", "-id")
            .only("title", "description", "contact_name", "address", "tracking_no", "category")[:EXAMPLES])
    return [_("%(title)s (%(number)s)") % {
        "title": shown_title(a.title, a.description, a.contact_name, a.address) or category_name(a.category),
        "number": a.tracking_no} for a in rows]


def _unit_row(pk: int, name: str, f: dict) -> dict:
    """One unit's line: its lead requests are those whose last standing dispatch went to it."""
    lead = f["received"]
    valid = f["rates"]["satisfaction_rate"]["denominator"]  # the valid evaluations, as the admin counts them
    return {
        "id": pk, "name": name, "dispatched": f["dispatched"], "lead": lead, "replied": f["replied"],
        "on_time": f["replied_on_time"], "late": f["replied"] - f["replied_on_time"],
        "open": max(lead - f["replied"] - f["withdrawn"] - f["merged"] - f["rejected"], 0),
        "closed": f["closed"], "closed_rate": percent(Rate(f["closed"], lead)),
        "on_time_rate": percent(Rate(f["replied_on_time"], f["replied"])),
        "dissatisfied": f["dissatisfied"], "dissatisfied_rate": percent(Rate(f["dissatisfied"], valid)),
        "reply_rate": percent(Rate(f["replied"], lead)),
        "satisfaction_rate": _rate_of(f, "satisfaction_rate"), "evaluations": valid,
    }


def _rate_of(f: dict, name: str) -> Percent | None:
    value = f["rates"][name]["percent"]
    return None if value is None else Percent(value)


def _judge(units: list[dict], choice: FigureSettings) -> tuple[list[dict], list[dict]]:
    """The units below a minimum standard, and those with too few requests to judge.
    The reply rate is judged from SMALL requests on, the satisfaction rate from SMALL valid evaluations."""
    below, too_few = [], []
    min_reply, min_sat = float(choice.min_reply_rate), float(choice.min_satisfaction_rate)
    for row in units:
        if row["lead"] < SMALL:
            too_few.append(row)
            continue
        unmet = []
        if row["reply_rate"] is not None and row["reply_rate"] < min_reply:
            unmet.append(_("reply rate below %(min)s%%") % {"min": _number(choice.min_reply_rate)})
        if (row["evaluations"] >= SMALL and row["satisfaction_rate"] is not None
                and row["satisfaction_rate"] < min_sat):
            unmet.append(_("satisfaction below %(min)s%%") % {"min": _number(choice.min_satisfaction_rate)})
        if unmet:
            below.append({**row, "unmet": unmet})
    return below, too_few


def build(scope: Scope, kind: str, at: date | None = None, *, now: datetime | None = None) -> Report:
    """The report of `scope` for the `kind` period holding `at` (default: the last complete one)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    period = ReportPeriod.containing(kind, at) if at else last_complete(kind, today)
    whole_before = period.before()
    running = period.start <= today <= period.end
    before_end = min(whole_before.end, whole_before.start + (today - period.start)) if running else whole_before.end
    choice = FigureSettings.current()
    query = Query(scope, period.start, period.end)
    old_query = Query(scope, whole_before.start, before_end)
    f, old = figures_of(query.counts(), choice), figures_of(old_query.counts(), choice)
    overdue = query.overdue_now()
    hours = query.hours()

    names = unit_names()
    units = [_unit_row(pk, names.get(pk, "?"), figures_of(c, choice)) for pk, c in query.breakdown("unit") if pk]
    units.sort(key=lambda r: (-r["dispatched"], -r["lead"], r["name"]))
    below, too_few = _judge(units, choice)

    label = period.label
    report = Report(
        scope=scope, period=period, compared=(whole_before.start, before_end), running=running, generated_at=now,
        title=_("%(scope)s requests report (%(period)s)") % {"scope": scope.name, "period": label},
        figures=f, previous=old, overdue_now=overdue, hours=hours, units=units, below=below, too_few=too_few,
        sections=[], notes=[],
    )
    report.sections = [
        _overview(report, query, old_query, label),
        _hotspots(report, query, old_query),
        _evaluations(report),
        _units(report),
        _standards(report, choice),
    ]
    report.notes = _notes(report)
    return report


def _figure_rows(f: dict, old: dict, counts: list[tuple[str, str]], rates: list[tuple[str, str]]) -> list[list]:
    rows = [[label, f[name], old[name], count_change(f[name], old[name])] for name, label in counts]
    for name, label in rates:
        new_pct, old_pct = f[name], old[name]
        rows.append([label, _rate_of(f, name), _rate_of(old, name), points_change(new_pct, old_pct)])
    return rows


def _overview(report: Report, query: Query, old_query: Query, label: str) -> Section:
    f, old = report.figures, report.previous
    received = f["received"]
    paragraphs = [
        _("In %(period)s, %(scope)s received %(received)s requests, %(change)s; %(replied)s were replied to, "
          "a reply rate of %(rate)s, %(rate_change)s.") % {
            "period": label, "scope": report.scope.name, "received": received,
            "change": count_change(received, old["received"]), "replied": f["replied"],
            "rate": _pct_text(f["reply_rate"]), "rate_change": points_change(f["reply_rate"], old["reply_rate"])},
    ]
    old_types = {k: c["received"] for k, c in old_query.breakdown("type")}
    type_names = {k: str(v) for k, v in Appeal.Type.choices}
    types = [(code, c["received"]) for code, c in query.breakdown("type")]
    type_items = [_("%(name)s %(n)s (%(share)s)") % {"name": type_names.get(code, code), "n": n,
                                                     "share": _share(n, received)} for code, n in types if n]
    paragraphs.append(_("By type: %(list)s.") % {"list": _joined(type_items)})
    channel_names = {k: str(v) for k, v in Appeal.Channel.choices}
    channels = [(code, c["received"]) for code, c in query.breakdown("channel")]
    channel_items = [_("%(name)s %(n)s (%(share)s)") % {"name": channel_names.get(code, code), "n": n,
                                                        "share": _share(n, received)} for code, n in channels if n]
    paragraphs.append(_("By channel: %(list)s.") % {"list": _joined(channel_items)})
    paragraphs.append(
        _("Handled on the spot (即接即办): %(spot)s, a direct-handling rate of %(direct)s; "
          "dispatches to the handling units: %(dispatched)s.") % {
            "spot": f["on_the_spot"], "direct": _pct_text(f["direct_rate"]), "dispatched": f["dispatched"]})
    paragraphs.append(
        _("Signed for on time: %(sign)s; replied on time: %(on_time)s; returned: %(returns)s; reopened: "
          "%(reopen)s; overdue now: %(overdue)s.") % {
            "sign": _pct_text(f["on_time_sign_rate"]), "on_time": _pct_text(f["on_time_rate"]),
            "returns": _pct_text(f["return_rate"]), "reopen": _pct_text(f["reopen_rate"]),
            "overdue": report.overdue_now})
    avg, p90 = report.hours
    main = _figure_rows(f, old, [
        ("received", _("Requests received")), ("replied", _("Replied")), ("on_the_spot", _("Handled on the spot")),
        ("dispatched", _("Dispatches")), ("returns", _("Returned")), ("reopened", _("Reopened")),
    ], [
        ("reply_rate", _("Reply rate")), ("direct_rate", _("Direct-handling rate")),
        ("on_time_sign_rate", _("On-time sign-for rate")), ("response_rate", _("Response rate")),
        ("on_time_rate", _("On-time rate")), ("return_rate", _("Return rate")), ("reopen_rate", _("Reopen rate")),
    ])
    main.append([_("Overdue now"), report.overdue_now, None, ""])
    main.append([_("Handling time, average (working hours)"), avg, None, ""])
    main.append([_("Handling time, 90th percentile (working hours)"), p90, None, ""])
    compare = [_("Figure"), _("This period"), _("Period before"), _("Change")]
    return Section("overview", _("1. Overview"), paragraphs, [
        Table("figures", _("The main figures"), compare, main),
        Table("types", _("By type"), [_("Type"), _("Number of requests"), _("Share"), _("Period before"), _("Change")],
              [[type_names.get(code, code), n, _share(n, received), old_types.get(code, 0),
                count_change(n, old_types.get(code, 0))] for code, n in types]),
        Table("channels", _("By channel"), [_("Channel"), _("Number of requests"), _("Share")],
              [[channel_names.get(code, code), n, _share(n, received)] for code, n in channels]),
    ])


def _hotspots(report: Report, query: Query, old_query: Query) -> Section:
    received = report.figures["received"]
    start, end = report.period.start, report.period.end
    cats = catalogue().by_id
    old_cats = {k: c["received"] for k, c in old_query.breakdown("category")}
    top = [(pk, c["received"]) for pk, c in query.breakdown("category") if c["received"]][:TOP]
    cat_rows = []
    for pk, n in top:
        was = old_cats.get(pk, 0)
        cat_rows.append([category_name(cats.get(pk)) or "?", n, _share(n, received), was, count_change(n, was),
                         _examples(report.scope, start, end, category=pk)])
    paragraphs = []
    if cat_rows:
        items = [_("%(name)s %(n)s (%(share)s)") % {"name": r[0], "n": r[1], "share": r[2]} for r in cat_rows]
        paragraphs.append(_("The categories with most requests: %(list)s.") % {"list": _joined(items)})
    else:
        paragraphs.append(_("No requests were received in this period."))
    old_areas = {node.pk: c["received"] for node, c in old_query.by_area()}
    areas = [(node, c["received"]) for node, c in query.by_area() if c["received"]][:TOP]
    area_rows = []
    for node, n in areas:
        was = old_areas.get(node.pk, 0)
        area_rows.append([node.name, n, _share(n, received), was, count_change(n, was),
                          _examples(report.scope, start, end, place=node)])
    if area_rows:
        items = [_("%(name)s %(n)s (%(share)s)") % {"name": r[0], "n": r[1], "share": r[2]} for r in area_rows]
        paragraphs.append(_("The places with most requests: %(list)s.") % {"list": _joined(items)})
    def head(what: str) -> list[str]:
        return [what, _("Number of requests"), _("Share"), _("Period before"), _("Change"), _("Examples")]

    tables = [Table("categories", _("The top categories"), head(_("Category")), cat_rows)]
    if report.scope.node is not None:
        tables.append(Table("hotspots", _("The places with most requests"), head(_("Area")), area_rows))
    return Section("hotspots", _("2. Hot topics"), paragraphs, tables)


def _evaluations(report: Report) -> Section:
    f, old = report.figures, report.previous
    rate = percent(Rate(f["evaluated"], f["replied"]))
    paragraphs = [
        _("Evaluations of the requests replied to: %(evaluated)s (%(rate)s): %(satisfied)s "
          "satisfied, %(basically)s basically satisfied, %(dissatisfied)s dissatisfied; "
          "satisfaction %(sat)s, %(change)s; resolution rate %(resolved)s; recorded by "
          "call-backs: %(callbacks)s.") % {
            "evaluated": f["evaluated"], "rate": _pct_text(rate), "satisfied": f["satisfied"],
            "basically": f["basically"], "dissatisfied": f["dissatisfied"],
            "sat": _pct_text(f["satisfaction_rate"]),
            "change": points_change(f["satisfaction_rate"], old["satisfaction_rate"]),
            "resolved": _pct_text(f["resolution_rate"]), "callbacks": f["callbacks"]},
    ]
    rows = _figure_rows(f, old, [
        ("evaluated", _("Evaluated")), ("satisfied", _("Satisfied")), ("basically", _("Basically satisfied")),
        ("dissatisfied", _("Dissatisfied")), ("callbacks", _("Call-backs")),
    ], [("satisfaction_rate", _("Satisfaction")), ("resolution_rate", _("Resolution rate"))])
    old_rate = percent(Rate(old["evaluated"], old["replied"]))
    rows.append([_("Evaluation rate"), rate, old_rate,
                 points_change(float(rate) if rate is not None else None,
                               float(old_rate) if old_rate is not None else None)])
    return Section("evaluations", _("3. Evaluations and call-backs"), paragraphs, [
        Table("evaluations", _("Evaluations"), [_("Figure"), _("This period"), _("Period before"), _("Change")],
              rows)])


def _units(report: Report) -> Section:
    rows = [[u["name"], u["dispatched"], u["lead"], u["on_time"], u["late"], u["open"], u["closed_rate"],
             u["on_time_rate"], u["dissatisfied"], u["dissatisfied_rate"]] for u in report.units]
    header = [_("Unit"), _("Dispatches"), _("Lead requests"), _("Replied on time"), _("Replied late"),
              _("Not replied yet"), _("Closing rate"), _("On-time rate"), _("Dissatisfied"), _("Dissatisfied rate")]
    paragraphs = [_("Handling units with requests in this period: %(n)s.") % {"n": len(rows)}]
    return Section("units", _("4. Handling units"), paragraphs, [Table("units", _("By handling unit"), header, rows)])


def _standards(report: Report, choice: FigureSettings) -> Section:
    minimum = {"reply": _number(choice.min_reply_rate), "sat": _number(choice.min_satisfaction_rate)}
    paragraphs = [_("The minimum standards: a reply rate of at least %(reply)s%% and a satisfaction rate of at "
                    "least %(sat)s%%.") % minimum]
    if report.below:
        paragraphs.append(_("Units below them: %(n)s (%(list)s).") % {
            "n": len(report.below), "list": _joined([u["name"] for u in report.below])})
    else:
        paragraphs.append(_("No unit with enough requests to judge fell below them."))
    if report.too_few:
        items = [_("%(name)s (%(n)s)") % {"name": u["name"], "n": u["lead"]} for u in report.too_few]
        paragraphs.append(_("Too few requests to judge (fewer than %(small)s): %(list)s.") % {
            "small": SMALL, "list": _joined(items)})
    header = [_("Unit"), _("Lead requests"), _("Reply rate"), _("Satisfaction"), _("Standards not met")]
    below = [[u["name"], u["lead"], u["reply_rate"], u["satisfaction_rate"], u["unmet"]] for u in report.below]
    few = [[u["name"], u["lead"], u["reply_rate"], u["satisfaction_rate"], _("too few to judge")]
           for u in report.too_few]
    tables = [Table("below", _("Units below the standards"), header, below)]
    if few:
        tables.append(Table("too_few", _("Too few to judge"), header, few))
    return Section("standards", _("5. Units below the standards"), paragraphs, tables)


def _notes(report: Report) -> list[str]:
    notes = [
        _("Requests are counted in the period they were received; a request counts as replied once it has had "
          "a reply, whatever its state now. The same figures as the dashboard and /api/v1/stats."),
        _("Lead requests: those whose last dispatch not returned went to the unit. Closing rate = closed ÷ lead "
          "requests; on-time rate = replied on time ÷ replied; dissatisfied rate = dissatisfied ÷ valid "
          "evaluations; dispatches count every dispatch to the unit, returned ones included."),
        _("A unit is judged on its reply rate from %(small)s lead requests on, and on its satisfaction from "
          "%(small)s valid evaluations on.") % {"small": SMALL},
        _("Examples show the title and tracking number only; long digit runs in titles are masked."),
    ]
    if report.running:
        notes.insert(0, _("This period is not over: the figures run to today and are compared with the same days "
                          "of the period before (%(start)s to %(end)s).") % {
            "start": report.compared[0].isoformat(), "end": report.compared[1].isoformat()})
    return notes
