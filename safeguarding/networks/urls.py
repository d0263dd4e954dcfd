from django.urls import path

from safeguarding.networks import views

app_name = "networks"
urlpatterns = [
    path("", views.networks, name="list"),
    path("<uuid:cluster_id>/", views.network, name="network"),
    path("alerts/<uuid:alert_id>/", views.alert, name="alert"),
    path("alerts/<uuid:alert_id>/respond/", views.respond, name="respond"),
]
