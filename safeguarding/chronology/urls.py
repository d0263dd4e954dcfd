from django.urls import path

from safeguarding.chronology import views

app_name = "chronology"
urlpatterns = [
    path("<uuid:person_id>/chronology/", views.chronology, name="view"),
    path("<uuid:person_id>/chronology/mark/", views.mark, name="mark"),
    path("<uuid:person_id>/chronology.csv", views.chronology_export, {"fmt": "csv"}, name="csv"),
    path("<uuid:person_id>/chronology.pdf", views.chronology_export, {"fmt": "pdf"}, name="pdf"),
    path("<uuid:person_id>/who-knew-what.pdf", views.knowledge_report, name="who-knew-what"),
]
