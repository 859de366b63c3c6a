from django.urls import path

from . import work

urlpatterns = [
    path("work/care-plans/", work.person_list, name="work_care_plans"),
    path("work/care-plans/new/", work.person_new, name="work_care_plan_new"),
    path("work/care-plans/job-fairs/", work.fairs, name="work_care_plan_fairs"),
    path("work/care-plans/access-log/", work.access_log, name="work_care_plan_log"),
    path("work/care-plans/figures/", work.figures_page, name="work_care_plan_figures"),
    path("work/care-plans/<int:pk>/", work.person_page, name="work_care_plan"),
    path("work/care-plans/<int:pk>/photos/<str:token>/", work.photo, name="work_care_plan_photo"),
]
