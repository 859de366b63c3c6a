from django.urls import path

from . import views, work

urlpatterns = [
    path("deliberation/c/<str:code>/", views.community, name="deliberation_community"),
    path("deliberation/c/<str:code>/topics/", views.raise_topic, name="deliberation_raise_topic"),
    path("deliberation/c/<str:code>/topics/raised/", views.topic_raised, name="deliberation_topic_raised"),
    path("deliberation/m/<int:pk>/", views.meeting, name="deliberation_meeting"),
    path("work/deliberation/", work.overview, name="work_deliberation"),
    path("work/deliberation/meetings/new/", work.meeting_new, name="work_deliberation_meeting_new"),
    path("work/deliberation/meetings/<int:pk>/", work.meeting_edit, name="work_deliberation_meeting"),
    path("work/deliberation/topics/new/", work.topic_new, name="work_deliberation_topic_new"),
    path("work/deliberation/topics/<int:pk>/", work.topic_detail, name="work_deliberation_topic"),
]
