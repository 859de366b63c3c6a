"""The events API, included before the appeals API (whose last pattern answers every other path)."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("events", api.EventListView.as_view(), name="api-events"),
    path("events/signups/<int:signup_id>", api.SignupStatusView.as_view(), name="api-event-signup"),
    path("events/signups/<int:signup_id>/cancel", api.SignupCancelView.as_view(), name="api-event-signup-cancel"),
    path("events/<int:pk>", api.EventDetailView.as_view(), name="api-event"),
    path("events/<int:pk>/signups/code", api.SignupCodeView.as_view(), name="api-event-signup-code"),
    path("events/<int:pk>/signups", api.SignupView.as_view(), name="api-event-signups"),
]
