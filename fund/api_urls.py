"""The funds API, included before the appeals API (whose last pattern answers every other path)."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("funds", api.FundListView.as_view(), name="api-funds"),
    path("funds/<int:pk>/entries", api.FundEntriesView.as_view(), name="api-fund-entries"),
]
