from django.urls import path

from . import views, work

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/c/<str:code>/", views.community_events, name="community_events"),
    path("events/c/<str:code>/calendar.ics", views.community_calendar, name="community_calendar"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/photos/<str:token>/", views.event_photo, name="event_photo"),
    path("events/<int:pk>/signup/", views.event_signup_start, name="event_signup_start"),
    path("events/<int:pk>/checkin/<str:token>/", views.event_checkin, name="event_checkin"),
    path("events/s/<int:pk>/<str:token>/", views.signup_page, name="event_signup"),
    path("work/events/", work.event_list, name="work_events"),
    path("work/events/new/", work.event_new, name="work_event_new"),
    path("work/events/<int:pk>/", work.event_edit, name="work_event"),
]
