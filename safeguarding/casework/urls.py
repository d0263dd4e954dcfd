from django.urls import path

from safeguarding.casework import views

app_name = "casework"
EPISODE = "<uuid:person_id>/case-work/<uuid:episode_id>"
urlpatterns = [
    path("<uuid:person_id>/case-work/", views.overview, name="overview"),
    path(
        "<uuid:person_id>/case-work/characteristics/",
        views.characteristics,
        name="characteristics",
    ),
    path("<uuid:person_id>/case-work/referrals/new/", views.referral, name="new-referral"),
    path(f"{EPISODE}/referral/", views.referral, name="referral"),
    path(f"{EPISODE}/closure/", views.closure, name="closure"),
]
# One route per part of an episode (assessments, cin-plans, section-47, protection-plans).
for _part in views.PARTS:
    urlpatterns += [
        path(f"{EPISODE}/{_part}/new/", views.part, {"part": _part}, name=f"new-{_part}"),
        path(f"{EPISODE}/{_part}/<int:number>/", views.part, {"part": _part}, name=_part),
    ]
