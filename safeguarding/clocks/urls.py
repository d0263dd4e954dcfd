from django.urls import path

from safeguarding.clocks import views

app_name = "clocks"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:clock_id>/", views.clock_detail, name="detail"),
    path("limits/", views.limits, name="limits"),
]
