from django.urls import path

from . import views, work

urlpatterns = [
    path("volunteer/", views.lookup, name="volunteer_lookup"),
    path("volunteer/<int:pk>/<str:token>/", views.home, name="volunteer_home"),
    path("volunteer/<int:pk>/<str:token>/certificate.pdf", views.certificate, name="volunteer_certificate"),
    path("volunteer/check/<int:pk>/<str:token>/", views.verify, name="volunteer_verify"),
    path("work/volunteers/", work.volunteer_list, name="work_volunteers"),
    path("work/volunteers/new/", work.volunteer_new, name="work_volunteer_new"),
    path("work/volunteers/ranking/", work.ranking, name="work_volunteer_ranking"),
    path("work/volunteers/<int:pk>/", work.volunteer_edit, name="work_volunteer"),
    path("work/volunteers/<int:pk>/certificate.pdf", work.volunteer_certificate, name="work_volunteer_certificate"),
    path("work/events/<int:pk>/duties/", work.event_duties, name="work_event_duties"),
]
