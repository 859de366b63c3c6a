"""The places' JSON API, included at /api/v1/ beside appeals.api_urls."""

from django.urls import path

from . import api

urlpatterns = [
    path("places", api.PlaceListView.as_view(), name="api-places"),
    path("places/<int:pk>", api.PlaceDetailView.as_view(), name="api-place"),
]
