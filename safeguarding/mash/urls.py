from django.urls import path

from safeguarding.mash import views

app_name = "mash"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("contacts/<uuid:contact_id>/", views.contact_detail, name="contact"),
    path("contacts/<uuid:contact_id>/rate/", views.rate, name="rate"),
    path("contacts/<uuid:contact_id>/allocate/", views.allocate, name="allocate"),
    path("contacts/<uuid:contact_id>/ask/", views.ask, name="ask"),
    path("contacts/<uuid:contact_id>/decide/", views.decide, name="decide"),
    path("referrals/", views.referrals, name="referrals"),
    path("requests/", views.inbox, name="inbox"),
    path("requests/<uuid:request_id>/", views.answer, name="request"),
]
