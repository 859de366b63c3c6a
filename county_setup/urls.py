from django.urls import path

from . import views

app_name = "county_setup"
urlpatterns = [
    path("work/setup/", views.index, name="setup"),
    path("work/setup/template.xlsx", views.template, name="setup_template"),
    path("work/setup/export.xlsx", views.export, name="setup_export"),
    path("work/setup/imports/", views.upload, name="setup_upload"),
    path("work/setup/imports/<str:token>/", views.job_page, name="setup_job"),
    path("work/setup/imports/<str:token>/status", views.job_status, name="setup_job_status"),
    path("work/setup/imports/<str:token>/apply/", views.job_apply, name="setup_job_apply"),
    path("work/setup/imports/<str:token>/links.xlsx", views.job_links, name="setup_job_links"),
    path("work/setup/welcome/<str:uidb64>/<str:token>/", views.welcome_page, name="setup_welcome"),
]
