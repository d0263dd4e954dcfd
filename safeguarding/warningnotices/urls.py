from django.urls import path

from safeguarding.warningnotices import views

app_name = "warningnotices"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.issue, name="issue"),
    path("<uuid:notice_id>/", views.notice_detail, name="notice"),
    path("<uuid:notice_id>/copies/", views.add_copy, name="copy"),
    path("<uuid:notice_id>/breaches/", views.add_breach, name="breach"),
    path("<uuid:notice_id>/review/", views.review, name="review"),
    path("<uuid:notice_id>/end/", views.end, name="end"),
]
