from django.contrib import admin
from django.urls import include, path

from analysis.api import StatsView

# No URL serves the media folder: photos go through access-checked views only. Error pages
# are the templates 400/403/404/500.html, through Django's own handlers.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/stats", StatsView.as_view(), name="api-stats"),
    path("api/v1/", include("places.api_urls")),
    path("api/v1/", include("events.api_urls")),
    path("api/v1/", include("fund.api_urls")),
    path("api/v1/", include("appeals.api_urls")),  # last: its catch-all answers unknown API paths
    path("open311/v2/", include("open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("analysis.urls")),
    path("", include("places.urls")),
    path("", include("events.urls")),
    path("", include("volunteers.urls")),
    path("", include("care.urls")),
    path("", include("deliberation.urls")),
    path("", include("fund.urls")),
    path("", include("care_plan.urls")),
    path("", include("county_setup.urls")),
    path("", include("appeals.urls")),
]

