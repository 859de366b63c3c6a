from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import public, work

urlpatterns = [
    # Residents: no account needed.
    path("", public.home, name="home"),
    path("submit/", public.submit, name="submit"),
    path("submit/thanks/<str:tracking_no>/<str:token>/", public.submit_thanks, name="submit_thanks"),
    path("track/", public.track_form, name="track_form"),
    path("track/mine/", public.mine, name="track_mine"),
    path("track/mine/list/", public.mine_list, name="track_mine_list"),
    path("track/<str:tracking_no>/", public.track, name="track"),
    path("track/<str:tracking_no>/code/", public.track_code, name="track_code"),
    path("track/<str:tracking_no>/verify/", public.track_verify, name="track_verify"),
    path("track/<str:tracking_no>/<str:token>/", public.track_private, name="track_private"),
    path("track/<str:tracking_no>/<str:token>/evaluate/", public.evaluate, name="track_evaluate"),
    path("track/<str:tracking_no>/<str:token>/withdraw/", public.withdraw, name="track_withdraw"),
    path("track/<str:tracking_no>/<str:token>/photos/<str:photo>/", public.track_photo, name="track_photo"),
    path("track/<str:tracking_no>/<str:token>/sms/", public.track_sms, name="track_sms"),
    # Staff.
    path("login/", work.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("work/", work.workbench, name="workbench"),
    path("work/new/", work.work_new, name="work_new"),
    path("work/overdue/", work.overdue, name="overdue"),
    path("work/appeals/<int:pk>/", work.appeal_detail, name="appeal_detail"),
    path("work/appeals/<int:pk>/contact/", work.appeal_contact, name="appeal_contact"),
    path("work/appeals/<int:pk>/photos/<str:token>/", work.appeal_photo, name="appeal_photo"),
    path("work/appeals/<int:pk>/<str:action>/", work.appeal_action, name="appeal_action"),
    path("work/notifications/", include("notifications.urls")),
]
