"""GET /api/v1/places and /api/v1/places/{id}: the published places nearest
a point, with the same filters as the public page. Anyone may read them; a
station host or community staff member also sees the unpublished places they
keep (access.visible_places)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from appeals.api import errors
from appeals.serializers import GivenMeansGiven, StrictBooleanField, StrictIntegerField
from hubiying.paging import page_answer

from . import access, hours, nearby
from .models import Place

MAX_PAGE = 100


class StrictFloatField(GivenMeansGiven, serializers.FloatField):
    pass


class StrictChoiceField(GivenMeansGiven, serializers.ChoiceField):
    pass


class PlaceFilterSerializer(serializers.Serializer):
    # The appeals API's strict fields: `?lat=` is a value to check, not an absent one.
    lat = StrictFloatField(required=False, min_value=-90, max_value=90,
                           help_text="Where to measure from (WGS-84); with lng.")
    lng = StrictFloatField(required=False, min_value=-180, max_value=180)
    radius = StrictIntegerField(required=False, min_value=1, max_value=nearby.MAX_RADIUS_M,
                                help_text=f"Metres of straight line around lat/lng (default "
                                          f"{nearby.DEFAULT_RADIUS_M}); ignored without a point.")
    service = serializers.SlugField(required=False, allow_blank=True,
                                    help_text="A service code (e.g. hot-water): places offering it; empty: any.")
    kind = StrictChoiceField(required=False, choices=Place.Kind.choices)
    open_now = StrictBooleanField(required=False, default=False)
    page = StrictIntegerField(required=False, min_value=1, default=1)
    page_size = StrictIntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=20)

    def validate(self, attrs):
        if ("lat" in attrs) != ("lng" in attrs):
            raise serializers.ValidationError({"lat": _("Give the latitude and the longitude together.")})
        return attrs


class ServiceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class OpenStatusSerializer(serializers.Serializer):
    open = serializers.BooleanField()
    until = serializers.DateTimeField(allow_null=True, help_text="When open: the next closing time (null: 24 hours).")
    next_open = serializers.DateTimeField(allow_null=True, help_text="When closed: the next opening within a week.")
    label = serializers.CharField(help_text="As a resident reads it, in the request's language.")
    today = serializers.CharField(help_text="Today's hours, with today's exception or holiday closure.")


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Place.Kind.choices)
    kind_name = serializers.CharField()
    community = serializers.CharField(help_text="Code of the tree node that manages the place.")
    address = serializers.CharField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    phone = serializers.CharField()
    host = serializers.CharField()
    services = ServiceRefSerializer(many=True)
    distance = serializers.IntegerField(allow_null=True, help_text="Straight-line metres from lat/lng.")
    walking_distance = serializers.IntegerField(allow_null=True, help_text="Estimated walking metres.")
    walking_minutes = serializers.IntegerField(allow_null=True)
    status = OpenStatusSerializer()
    url = serializers.CharField(help_text="The place's public page.")
    route_url = serializers.CharField(help_text="A walking route in a map app.")


class PlaceDetailSerializer(PlaceSerializer):
    description = serializers.CharField()
    week = serializers.ListField(child=serializers.ListField(child=serializers.CharField()),
                                 help_text="The regular week as [day, hours] pairs.")
    photos = serializers.ListField(child=serializers.CharField(), help_text="Photo addresses.")
    online_services = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class PlacePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PlaceSerializer(many=True)


def kind_names() -> dict[str, str]:
    """The kinds' names in the request's language, translated once per answer."""
    return {kind: str(label) for kind, label in Place.Kind.choices}


def _row(request, found: nearby.Found, kinds: dict[str, str], detail: bool = False) -> dict:
    place, state = found.place, found.status
    row = {
        "id": place.pk, "name": place.name, "kind": place.kind, "kind_name": kinds.get(place.kind, place.kind),
        "community": place.node.code, "address": place.address, "lat": place.lat, "lng": place.lng,
        "phone": place.phone, "host": place.host,
        "services": [{"code": s.code, "name": s.name, "name_en": s.name_en} for s in found.services],
        "distance": None if found.distance is None else round(found.distance),
        "walking_distance": found.walk_m, "walking_minutes": found.walk_min,
        "status": {"open": state.open, "until": state.until, "next_open": state.next_open, "label": state.label,
                   "today": hours.text(state.today)},
        "url": request.build_absolute_uri(reverse("place_detail", args=[place.pk])), "route_url": place.route_url,
    }
    if detail:
        row.update(
            description=place.description, week=[list(r) for r in hours.week(place)],
            photos=[request.build_absolute_uri(reverse("place_photo", args=[place.pk, p.token]))
                    for p in place.photos.all()],
            online_services=[{"name": o.name, "url": o.url} for o in place.online_services.filter(active=True)],
        )
    return row


class PlaceListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[PlaceFilterSerializer], responses={200: PlacePageSerializer, **errors(400)},
                   tags=["places"], operation_id="places_list",
                   description="Service places nearest lat/lng (by name without a point), with "
                   "their services and whether they are open now.")
    def get(self, request):
        params = PlaceFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        found = nearby.search(access.visible_places(request.user), lat=p.get("lat"), lng=p.get("lng"),
                              radius=p.get("radius"), service=p.get("service", ""), kind=p.get("kind", ""),
                              open_now=p["open_now"])
        kinds = kind_names()
        return Response(page_answer(request, found, p["page"], p["page_size"], lambda f: _row(request, f, kinds)))


class PlaceDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: PlaceDetailSerializer, **errors(404)}, tags=["places"])
    def get(self, request, pk: int):
        place = access.get_place_for(request.user, pk)
        found = nearby.search(Place.objects.filter(pk=place.pk))
        return Response(_row(request, found[0], kind_names(), detail=True))
