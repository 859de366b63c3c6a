"""Every change to a place, one function each. Each checks the actor through
`access`, refuses bad input with every problem at once (appeals.errors) and
stores nothing half-done. Two people editing the same place at once: each
form carries the `updated_at` it was drawn from, and a change made against an
older one is refused (`_touch`), so that nobody overwrites unseen edits."""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.catalogue import catalogue
from appeals.errors import Conflict, Invalid
from appeals.photos import clean_photos
from organisations.models import Node

from . import access
from .models import Hours, OnlineService, Place, PlacePhoto, Service, SpecialDay

MAX_PHOTOS = 9
PROBLEMS = {
    "closed": "说是开放，实际没开门",
    "broken": "设施损坏（如充电器、饮水机）",
    "missing": "说有的服务没有提供",
    "attitude": "服务态度问题",
    "other": "其他问题",
}


def _touch(place: Place, seen: datetime | str | None) -> None:
    """Claims the place for this change: refused when it changed since `seen`."""
    now = timezone.now()
    rows = Place.objects.filter(pk=place.pk)
    if seen is not None:
        if isinstance(seen, str):
            try:
                seen = datetime.fromisoformat(seen)
            except ValueError:
                raise Conflict(_("This page is out of date: reload it and make the change again."),
                               code="stale") from None
        rows = rows.filter(updated_at=seen)
    if not rows.update(updated_at=now):
        raise Conflict(_("Someone else changed this place meanwhile: reload the page to see their change, "
                         "then make yours again."), code="stale")
    place.updated_at = now


def update_details(place: Place, *, actor, seen, phone: str, description: str, services: list[Service],
                   manager_fields: dict | None = None) -> Place:
    """What a host keeps (public phone, description, services) and, for the
    community staff, the rest of the place's record."""
    access.get_place_for(actor, place.pk, "manage" if manager_fields else "edit")
    with transaction.atomic():
        _touch(place, seen)
        place.phone, place.description = phone, description
        for name, value in (manager_fields or {}).items():
            setattr(place, name, value)
        place.save()
        place.services.set(services)
    return place


def create_place(*, actor, fields: dict, services: list[Service], online: list[OnlineService], hosts) -> Place:
    nodes = access.manageable_nodes(actor)
    if not nodes.filter(pk=fields["node"].pk).exists():
        raise Invalid(_("You may add places only in the communities you manage."), field="node")
    with transaction.atomic():
        place = Place.objects.create(**fields)
        place.services.set(services)
        place.online_services.set(online)
        place.hosts.set(hosts)
    return place


def set_links(place: Place, *, actor, online: list[OnlineService], hosts) -> None:
    access.get_place_for(actor, place.pk, "manage")
    with transaction.atomic():
        place.online_services.set(online)
        place.hosts.set(hosts)


def set_hours(place: Place, *, actor, seen, periods: list[tuple[int, time, time]], open_24h: bool,
              holidays: str, follows_workdays: bool) -> Place:
    """Replaces the weekly hours. `periods` are (day, opens, closes); two
    periods of one day may not overlap (a lunch break lies between them)."""
    access.get_place_for(actor, place.pk, "edit")
    problems = []
    by_day: dict[int, list[tuple[time, time]]] = {}
    for day, opens, closes in periods:
        by_day.setdefault(day, []).append((opens, closes))
    for day, rows in by_day.items():
        rows.sort()
        for (o1, c1), (o2, _c2) in zip(rows, rows[1:], strict=False):
            if c1 <= o1 or o2 < c1:
                name = dict(Hours.DAYS)[day]
                problems.append(Invalid(_("%(day)s: the periods overlap; the second must begin after the first "
                                          "ends.") % {"day": name}, field=f"day{day}"))
    if holidays not in Place.Holidays.values:
        problems.append(Invalid(_("Choose what happens on public holidays."), field="holidays"))
    if problems:
        raise Invalid.all_of(problems)
    with transaction.atomic():
        _touch(place, seen)
        place.open_24h, place.holidays, place.follows_workdays = open_24h, holidays, follows_workdays
        place.save(update_fields=["open_24h", "holidays", "follows_workdays", "updated_at"])
        place.hours.all().delete()
        Hours.objects.bulk_create([Hours(place=place, day=d, opens=o, closes=c) for d, o, c in periods])
    return place


def add_special_day(place: Place, *, actor, first: date, last: date, opens: time | None, closes: time | None,
                    note: str) -> SpecialDay:
    """A one-off closure or other hours ("closed today", "open until 18:00 on
    the 3rd", "closed for repairs 1–7 May")."""
    access.get_place_for(actor, place.pk, "edit")
    special = SpecialDay(place=place, first=first, last=last, opens=opens, closes=closes, note=note)
    problems = []
    if last < first:
        problems.append(Invalid(_("The last day cannot come before the first."), field="last"))
    if (last - first).days > 366:
        problems.append(Invalid(_("A special period lasts at most a year."), field="last"))
    if (opens is None) != (closes is None):
        problems.append(Invalid(_("Give both the opening and the closing time, or neither (closed)."),
                                field="closes"))
    if len(note) > 100:
        problems.append(Invalid(_("The note is longer than 100 characters."), field="note"))
    if problems:
        raise Invalid.all_of(problems)
    with transaction.atomic():
        _touch(place, None)
        # The newest word on a day wins: what it replaces goes (a run of days keeps its other days).
        place.special_days.filter(first__gte=first, last__lte=last).delete()
        special.save()
    return special


def remove_special_day(place: Place, *, actor, pk) -> None:
    access.get_place_for(actor, place.pk, "edit")
    with transaction.atomic():
        if not place.special_days.filter(pk=pk).delete()[0]:
            raise Invalid(_("This special day was removed already."), field="special")
        _touch(place, None)


def add_photos(place: Place, *, actor, uploads) -> list[PlacePhoto]:
    access.get_place_for(actor, place.pk, "edit")
    cleaned = clean_photos(uploads)
    if not cleaned:
        raise Invalid(_("Choose a photo to add."), field="photos")
    with transaction.atomic():
        Place.objects.select_for_update().filter(pk=place.pk).first()
        if place.photos.count() + len(cleaned) > MAX_PHOTOS:
            raise Invalid(_("A place shows at most %(n)d photos: remove one first.") % {"n": MAX_PHOTOS},
                          field="photos")
        photos = [PlacePhoto.objects.create(place=place, image=content, width=w, height=h, token=token)
                  for content, w, h, token in cleaned]
        _touch(place, None)
    return photos


def remove_photo(place: Place, *, actor, token: str) -> None:
    access.get_place_for(actor, place.pk, "edit")
    with transaction.atomic():
        photo = place.photos.filter(token=token).first()
        if photo is None:
            raise Invalid(_("This photo was removed already."), field="photos")
        photo.delete()
        _touch(place, None)
        # The file goes once the row is gone for good: a refused change keeps both.
        transaction.on_commit(lambda: photo.image.delete(save=False))


def report_problem(place: Place, *, problem: str, description: str, contact_name: str, contact_phone: str,
                   actor=None):
    """A resident's report of a problem with a place becomes a request placed
    at the community that manages it, under the place category
    (HUBIYING_PLACE_CATEGORY), through the same intake as any other request."""
    from appeals.intake import create_appeal
    from appeals.models import Appeal, Category

    if problem not in PROBLEMS:
        raise Invalid(_("Choose what is wrong."), field="problem")
    code = settings.HUBIYING_PLACE_CATEGORY
    if not Category.objects.filter(code=code).exists():
        # The first report of a county that has not set one up: the category is made, for the admin to rename.
        Category.objects.create(code=code, name="便民服务点", name_en="Service places", order=900)
    category, leaf = catalogue().leaf(code)
    if category is None or not leaf:
        raise Invalid(_("Reports about places are not taken here yet: call %(hotline)s.")
                      % {"hotline": settings.HUBIYING_HOTLINE}, code="not_configured")
    what = PROBLEMS[problem]
    text = f"【{place.name}】{what}" + (f"：{description}" if description else "")
    data = {
        "category": category.code, "title": f"{place.name}：{what}"[:100], "description": text,
        "address": f"{place.address}（{place.name}）"[:200], "lat": place.lat, "lng": place.lng,
        "contact_name": contact_name, "contact_phone": contact_phone,
    }
    if place.node.kind in (Node.Kind.COMMUNITY, Node.Kind.GRID, Node.Kind.COMPOUND):
        data["community"] = place.node.code  # else the place's point tells where it is
    appeal, _created = create_appeal(data, actor=actor, channel=Appeal.Channel.WEB)
    return appeal
