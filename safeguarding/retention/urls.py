from django.urls import path

from safeguarding.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.index, name="index"),
    path("holds/new/", views.place, name="place-hold"),
    path("holds/<uuid:hold_id>/release/", views.release, name="release-hold"),
    path("erase/", views.erase, name="erase"),
]
