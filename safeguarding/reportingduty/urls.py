from django.urls import path

from safeguarding.reportingduty import views

app_name = "reportingduty"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<uuid:report_id>/", views.report_detail, name="report"),
    path("<uuid:report_id>/disclosure/", views.disclosure, name="disclosure"),
    path("<uuid:report_id>/delay/", views.delay, name="delay"),
    path("<uuid:report_id>/notify/", views.notify, name="notify"),
    path("<uuid:report_id>/obstruction/", views.obstruction, name="obstruction"),
    path("<uuid:report_id>/respond/", views.respond, name="respond"),
]
