from django.urls import path

from safeguarding.retention import views, views_access

app_name = "retention"
urlpatterns = [
    path("", views.index, name="index"),
    path("holds/new/", views.place, name="place-hold"),
    path("holds/<uuid:hold_id>/release/", views.release, name="release-hold"),
    path("erase/", views.erase, name="erase"),
]
urlpatterns += [
    path("subject-access/", views_access.requests, name="subject-access"),
    path(
        "subject-access/<uuid:request_id>/",
        views_access.request_page,
        name="subject-access-request",
    ),
    path(
        "subject-access/<uuid:request_id>/bundle.<str:form>",
        views_access.bundle_download,
        name="subject-access-bundle",
    ),
]
urlpatterns += [
    path("people/<uuid:person_id>/correct/", views.correct, name="correct-person"),
]
