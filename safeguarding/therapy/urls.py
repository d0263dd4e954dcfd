from django.urls import path

from safeguarding.therapy import views

app_name = "therapy"
urlpatterns = [
    path("", views.referrals, name="referrals"),
    path("refer/<uuid:person_id>/", views.refer, name="refer"),
    path("waiting-list/", views.waiting, name="waiting-list"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:referral_id>/start/", views.start, name="start"),
    path("waits/", views.breaches, name="breaches"),
]
