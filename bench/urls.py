"""The application's URLs plus the two ceiling views under /bench/ (bench settings only)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/json", views.bare_json, name="bench-json"),
    path("bench/commit", views.bare_commit, name="bench-commit"),
    path("", include("hubiying.urls")),
]
