from django.urls import path

from safeguarding.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notifications, name="list"),
    path("read/", views.mark_all_read, name="mark-read"),
]
