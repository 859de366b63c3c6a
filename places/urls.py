from django.urls import path

from . import views, work

urlpatterns = [
    # Everyone: no account needed.
    path("places/", views.place_list, name="places"),
    path("places/<int:pk>/", views.place_detail, name="place_detail"),
    path("places/<int:pk>/report/", views.place_report, name="place_report"),
    path("places/<int:pk>/poster.pdf", views.place_poster, name="place_poster"),
    path("places/<int:pk>/photos/<str:token>/", views.place_photo, name="place_photo"),
    # Station hosts and community staff.
    path("work/places/", work.work_places, name="work_places"),
    path("work/places/new/", work.work_place_new, name="work_place_new"),
    path("work/places/<int:pk>/", work.work_place, name="work_place"),
    path("work/coverage/", work.coverage_page, name="coverage"),
]
