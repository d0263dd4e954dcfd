from django.urls import path

from safeguarding.web import audit_log, person, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("people/<uuid:person_id>/", person.person, name="person"),
    path("audit/", audit_log.log, name="audit-log"),
]
