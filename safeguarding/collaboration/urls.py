from django.urls import path

from safeguarding.collaboration import views

app_name = "collaboration"
urlpatterns = [
    path("", views.requests_list, name="requests"),
    path("new/", views.find_person, name="find-person"),
    path("new/person/<uuid:person_id>/", views.new_person_request, name="new-person"),
    path("new/vehicle/", views.new_vehicle_request, name="new-vehicle"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request"),
    path("requests/<uuid:request_id>/respond/", views.respond, name="respond"),
    path("requests/<uuid:request_id>/answer/", views.answer, name="answer"),
    path("requests/<uuid:request_id>/outcome/", views.outcome, name="outcome"),
]
