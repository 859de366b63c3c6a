from django.urls import path

from . import views, work

urlpatterns = [
    path("care/o/<int:pk>/<str:token>/", views.confirm, name="care_confirm"),
    path("work/care/", work.today, name="work_care"),
    path("work/care/recipients/", work.recipient_list, name="work_care_recipients"),
    path("work/care/recipients/new/", work.recipient_new, name="work_care_recipient_new"),
    path("work/care/recipients/<int:pk>/", work.recipient_page, name="work_care_recipient"),
    path("work/care/meals/", work.meals, name="work_care_meals"),
]
