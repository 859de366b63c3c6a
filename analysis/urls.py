from django.urls import path

from . import views

urlpatterns = [
    path("work/figures/", views.dashboard, name="figures"),
    path("work/figures/requests/", views.requests_behind, name="figures_requests"),
]
