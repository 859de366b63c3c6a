from django.urls import path

from . import views, work

urlpatterns = [
    path("fund/", views.index, name="fund_index"),
    path("fund/<int:pk>/", views.ledger_page, name="fund_ledger"),
    path("fund/<int:pk>/<int:year>.xlsx", views.workbook, name="fund_workbook"),
    path("fund/receipt/<int:pk>/<str:token>.pdf", views.receipt_pdf, name="fund_receipt"),
    path("work/fund/", work.fund_list, name="work_funds"),
    path("work/fund/<int:pk>/", work.fund_page, name="work_fund"),
    path("work/fund/<int:pk>/evidence/<str:token>.jpg", work.evidence, name="work_fund_evidence"),
]
