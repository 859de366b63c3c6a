from django.urls import path

from . import public, report_files, views

urlpatterns = [
    # Public (no account): the figures, the snippet to frame, the map and list of requests.
    path("figures/", public.public_figures, name="public_figures"),
    path("figures/<str:code>/", public.public_figures_node, name="public_figures_node"),
    path("figures/<str:code>/embed/", public.public_figures_embed, name="public_figures_embed"),
    path("figures/<str:code>/embed.json", public.public_figures_json, name="public_figures_json"),
    path("requests/", public.public_requests, name="public_requests"),
    path("work/figures/", views.dashboard, name="figures"),
    path("work/figures/requests/", views.requests_behind, name="figures_requests"),
    path("work/figures/report/", report_files.report_page, name="figures_report"),
    path("work/figures/requests/export/", views.export_requests, name="figures_requests_export"),
    path("work/figures/exports/<slug:token>/", views.export_progress, name="figures_export"),
    path("work/figures/exports/<slug:token>/status", views.export_status, name="figures_export_status"),
    path("work/figures/exports/<slug:token>/download", views.export_download, name="figures_export_download"),
    path("work/figures/words/", views.frequent_words, name="figures_words"),
    path("work/figures/places/", views.hotspot_places, name="figures_places"),
]
