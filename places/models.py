"""Service places of the 15-minute life circle (一刻钟便民生活服务圈): where a
resident, a courier or a sanitation worker can rest, charge a phone, get hot
water, eat or raise a matter; what each offers and when it is open.

Opening hours are weekly rows (`Hours`, several a day for a lunch break, one
that closes at or before it opens runs past midnight) with the place's
holiday rule, and one-off `SpecialDay` rows; `hours.py` reads them. Each
place carries a copy of its weekly rows (`Place.week`), rewritten whenever its
`Hours` change by any path (a row saved or deleted, bulk writes through the
manager), so that reading a place's hours, or those of every place in range,
costs no query of its own."""

from __future__ import annotations

import math
from datetime import time
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Node


class Service(models.Model):
    """One small service of the catalogue the admin keeps (歇脚, 热水, 充电…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services catalogue")

    def __str__(self) -> str:
        return self.name


class OnlineService(models.Model):
    """An online service a poster and a place's page link to with a QR code
    (水电气缴费, 挂号就医, 就业咨询…)."""

    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    url = models.URLField(_("link"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("online service")
        verbose_name_plural = _("online services")

    def __str__(self) -> str:
        return self.name


class PlaceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(active=True)

    def in_box(self, lat: float, lng: float, radius_m: float):
        """Places within the square around (lat, lng) that holds the circle
        of `radius_m`: an indexed range query, no GIS extension needed."""
        dlat = radius_m / METRES_PER_DEGREE
        dlng = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
        return self.filter(lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))


METRES_PER_DEGREE = 111_320.0


class Place(models.Model):
    class Kind(models.TextChoices):
        CENTRE = "centre", _("Party-masses service centre")  # 党群服务中心
        STATION = "station", _("Community service station")  # 社区服务驿站
        WARM = "warm", _("Warm station")  # 邻里小屋 / 暖心驿站
        CANTEEN = "canteen", _("Happiness canteen")  # 幸福食堂
        FACILITY = "facility", _("24-hour facility")  # 自助打印、充电宝、自助洗车、快递驿站
        PROVIDER = "provider", _("Third-party provider")  # 教育培训、普惠餐饮、养老托幼
        DELIBERATION = "deliberation", _("Deliberation spot")  # 议事亭、调解室、说事点

    class Holidays(models.TextChoices):
        USUAL = "usual", _("Open as on any other day of the week")
        CLOSED = "closed", _("Closed on public holidays")
        OWN = "own", _("Own hours on public holidays")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="places", verbose_name=_("managing community"),
        help_text=_("The community (or other tree node) that manages the place: its staff keep it up to date "
                    "and problems reported with it go there."),
    )
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    phone = models.CharField(_("public phone"), max_length=30, blank=True)
    host = models.CharField(_("host shop"), max_length=100, blank=True,
                            help_text=_("The shop or organisation that hosts the place, if any."))
    description = models.TextField(_("description"), max_length=1000, blank=True)
    services = models.ManyToManyField(Service, blank=True, related_name="places", verbose_name=_("services"))
    online_services = models.ManyToManyField(OnlineService, blank=True, related_name="places",
                                             verbose_name=_("online services"))
    open_24h = models.BooleanField(_("open 24 hours"), default=False)
    holidays = models.CharField(_("public holidays"), max_length=8, choices=Holidays.choices,
                                default=Holidays.USUAL)
    follows_workdays = models.BooleanField(
        _("follows the official working days"), default=False,
        help_text=_("An adjusted working day (a weekend worked to make up a holiday) opens with Monday's hours."),
    )
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="hosted_places", verbose_name=_("station hosts"),
        help_text=_("The people (驿站负责人) who keep this place's services, hours and photos up to date."),
    )
    active = models.BooleanField(_("shown to the public"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    week = models.TextField(_("weekly hours"), blank=True, editable=False,
                            help_text="Copy of the Hours rows, as week_text() writes it.")

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service place")
        verbose_name_plural = _("service places")
        indexes = [models.Index(fields=["lat", "lng"], name="place_position")]

    def __str__(self) -> str:
        return self.name

    @property
    def route_url(self) -> str:
        """A walking route in the phone's map app (Amap's URI API, told the point is WGS-84 as stored)."""
        return (f"https://uri.amap.com/navigation?to={self.lng},{self.lat},{quote(self.name)}&mode=walk"
                f"&coordinate=wgs84&callnative=1")


class HoursQuerySet(models.QuerySet):
    """Writes in bulk refresh the places' `week` copies too."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        _mirror(objs, refresh_weeks({h.place_id for h in objs}))
        return objs

    def bulk_update(self, objs, *args, **kwargs):
        changed = super().bulk_update(objs, *args, **kwargs)
        _mirror(objs, refresh_weeks({h.place_id for h in objs}))
        return changed

    def update(self, **kwargs):
        places = set(self.values_list("place_id", flat=True))
        changed = super().update(**kwargs)
        refresh_weeks(places | ({kwargs["place"].pk} if "place" in kwargs else set()))
        return changed

    def delete(self):
        places = set(self.values_list("place_id", flat=True))
        deleted = super().delete()
        refresh_weeks(places)
        return deleted


class Hours(models.Model):
    """One opening period on one day of the week, or on public holidays (a
    place whose holiday rule is 'own hours')."""

    HOLIDAY = 7
    DAYS = [
        (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
        (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")), (HOLIDAY, _("Public holidays")),
    ]

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="hours")
    day = models.PositiveSmallIntegerField(_("day"), choices=DAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("At or before the opening time: closes the next day."))

    objects = HoursQuerySet.as_manager()

    class Meta:
        ordering = ["day", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_day_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def save(self, *args, **kwargs):
        moved_from = None
        if self.pk is not None:
            moved_from = Hours.objects.filter(pk=self.pk).exclude(place_id=self.place_id).values_list(
                "place_id", flat=True).first()
        super().save(*args, **kwargs)
        _mirror([self], refresh_weeks({self.place_id} | ({moved_from} if moved_from else set())))

    def delete(self, *args, **kwargs):
        place = self.place_id
        deleted = super().delete(*args, **kwargs)
        _mirror([self], refresh_weeks({place}))
        return deleted


def refresh_weeks(place_ids) -> dict[int, str]:
    """Rewrite the `week` copy of these places from their Hours rows; the new
    copies by place."""
    place_ids = set(place_ids)
    if not place_ids:
        return {}
    rows: dict[int, list] = {pk: [] for pk in place_ids}
    for pk, *row in Hours.objects.filter(place_id__in=place_ids).values_list("place_id", "day", "opens", "closes"):
        rows[pk].append(row)
    weeks = {pk: week_text(place_rows) for pk, place_rows in rows.items()}
    Place.objects.bulk_update([Place(pk=pk, week=week) for pk, week in weeks.items()], ["week"], batch_size=500)
    return weeks


def week_text(rows) -> str:
    """(day, opens, closes) rows as one short text: eight fields, Monday to
    Sunday and then public holidays, separated by "|", each its periods in
    order as "09:00-12:00" separated by ",". Reading the hours of a day is then
    a split rather than a query or a JSON document per place (`day_rows`)."""
    days: list[list[str]] = [[] for _day in range(8)]
    for day, opens, closes in sorted(rows):
        days[day].append(f"{_iso(opens)}-{_iso(closes)}")
    return "|".join(",".join(periods) for periods in days).rstrip("|")


def day_rows(week: str, day: int) -> list[tuple[time, time]]:
    """The (opens, closes) periods of one day (0–7) in a `week_text`."""
    fields = week.split("|")
    if day >= len(fields) or not fields[day]:
        return []
    out = []
    for period in fields[day].split(","):
        opens, closes = period.split("-")
        out.append((time.fromisoformat(opens), time.fromisoformat(closes)))
    return out


def _iso(t: time) -> str:
    return t.isoformat(timespec="seconds" if t.second else "minutes")


def _mirror(rows, weeks: dict[int, str]) -> None:
    """The places these Hours rows hold in memory see their new week too."""
    for row in rows:
        if Hours.place.is_cached(row) and row.place_id in weeks:
            row.place.week = weeks[row.place_id]


class SpecialDay(models.Model):
    """A one-off change: closed (a holiday of the shop, a repair, 'closed
    today') or other hours, on one day or a run of days."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="special_days")
    first = models.DateField(_("from"))
    last = models.DateField(_("to"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["first", "id"]
        indexes = [models.Index(fields=["last"], name="specialday_last")]  # those still to come
        verbose_name = _("special day")
        verbose_name_plural = _("special days")

    def __str__(self) -> str:
        return f"{self.first}–{self.last} {self.note}"

    @property
    def closed(self) -> bool:
        return self.opens is None

    def clean(self) -> None:
        if self.first and self.last and self.last < self.first:
            raise ValidationError({"last": _("The last day cannot come before the first.")})
        if (self.opens is None) != (self.closes is None):
            raise ValidationError({"closes": _("Give both the opening and the closing time, or neither (closed).")})


def photo_path(instance, filename: str) -> str:
    return f"places/{timezone.now():%Y/%m}/{instance.token}.jpg"


class PlacePhoto(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    image = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.place_id}/{self.token}"


class Circle(models.Model):
    """The 5-, 10- and 15-minute walking circles of one kind of place, in
    metres (GB 50180-2018's life circles: 300, 500 and 1,000 m by default)."""

    kind = models.CharField(_("kind"), max_length=16, choices=Place.Kind.choices, unique=True)
    five = models.PositiveIntegerField(_("5-minute circle (m)"), default=300)
    ten = models.PositiveIntegerField(_("10-minute circle (m)"), default=500)
    fifteen = models.PositiveIntegerField(_("15-minute circle (m)"), default=1000)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("life circle")
        verbose_name_plural = _("life circles")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.five}/{self.ten}/{self.fifteen}"

    def clean(self) -> None:
        if not (self.five <= self.ten <= self.fifteen):
            raise ValidationError(_("The circles grow: 5 minutes ≤ 10 minutes ≤ 15 minutes."))


class RoadNetwork(models.Model):
    """The walkable lines of an area (`roads.py`): where one is loaded, the
    coverage of the area's compounds counts metres along it."""

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="road_network",
                                verbose_name=_("area"))
    name = models.CharField(_("name"), max_length=100)
    graph = models.JSONField(help_text="{points: [[lat, lng], …], edges: [[a, b], …]}")
    points = models.PositiveIntegerField(_("points"))
    length_m = models.PositiveIntegerField(_("length of the lines (m)"))
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        verbose_name = _("road network")
        verbose_name_plural = _("road networks")

    def __str__(self) -> str:
        return self.name
