"""URLs of the JSON API, included at /api/v1/ (no trailing slashes)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import api, track_api
from .api_errors import not_found_view

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token", api.TokenView.as_view(), name="api-token"),
    path("me", api.MeView.as_view(), name="api-me"),
    path("categories", api.CategoryListView.as_view(), name="api-categories"),
    path("units", api.UnitListView.as_view(), name="api-units"),
    path("appeals", api.AppealListView.as_view(), name="api-appeals"),
    path("appeals/<int:pk>", api.AppealDetailView.as_view(), name="api-appeal"),
    path("appeals/<int:pk>/contact", api.AppealContactView.as_view(), name="api-appeal-contact"),
    path("appeals/<int:pk>/photos/<str:token>", api.AppealPhotoView.as_view(), name="api-appeal-photo"),
    *[
        path(f"appeals/<int:pk>/{action}", view.as_view(), name=f"api-appeal-{action}")
        for action, view in api.ACTION_VIEWS.items()
    ],
    path("track/lookup/code", track_api.LookupCodeView.as_view(), name="api-track-lookup-code"),
    path("track/lookup", track_api.LookupView.as_view(), name="api-track-lookup"),
    path("track/<str:tracking_no>", track_api.TrackView.as_view(), name="api-track"),
    path("track/<str:tracking_no>/photos/<str:photo>", track_api.TrackPhotoView.as_view(), name="api-track-photo"),
    path("track/<str:tracking_no>/code", track_api.TrackCodeView.as_view(), name="api-track-code"),
    path("track/<str:tracking_no>/verify", track_api.TrackVerifyView.as_view(), name="api-track-verify"),
    path("track/<str:tracking_no>/evaluate", track_api.TrackEvaluateView.as_view(), name="api-track-evaluate"),
    path("track/<str:tracking_no>/withdraw", track_api.TrackWithdrawView.as_view(), name="api-track-withdraw"),
    # Unknown actions and endpoints answer JSON too (whatever the path holds, line breaks included).
    re_path(r"^[\s\S]*$", not_found_view, name="api-not-found"),
]
