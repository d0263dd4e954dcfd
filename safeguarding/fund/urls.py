from django.urls import path

from safeguarding.fund import views

app_name = "fund"
urlpatterns = [
    path("", views.home, name="home"),
    path("set-up/", views.set_up, name="set-up"),
    path("funds/<int:fund_id>/", views.fund_detail, name="fund"),
    path("funds/<int:fund_id>/rounds/", views.new_round, name="new-round"),
    path("funds/<int:fund_id>/allocation/", views.change_allocation, name="allocation"),
    path("funds/<int:fund_id>/reports/", views.reports, name="reports"),
    path("funds/<int:fund_id>/reports/by-year.csv", views.reports_by_year_csv, name="by-year-csv"),
    path(
        "funds/<int:fund_id>/reports/by-region.csv",
        views.reports_by_region_csv,
        name="by-region-csv",
    ),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/apply/", views.apply, name="apply"),
    path("applications/<uuid:application_id>/", views.application_detail, name="application"),
    path("applications/<uuid:application_id>/score/", views.score, name="score"),
    path("applications/<uuid:application_id>/award/", views.award, name="award"),
    path("applications/<uuid:application_id>/outcomes/", views.report_outcome, name="outcome"),
    path("payments/<int:payment_id>/pay/", views.pay, name="pay"),
]
