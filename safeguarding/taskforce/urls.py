from django.urls import path

from safeguarding.taskforce import views

app_name = "taskforce"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("areas/<str:code>/", views.area, name="area"),
    path("measures/<str:key>/", views.measure, name="measure"),
    path("export.csv", views.export, name="export"),
    path("capacity/", views.capacity, name="capacity"),
    path("online-abuse/", views.suspects, name="suspects"),
    path("online-abuse/record/", views.record_new_suspect, name="record-suspect"),
    path("online-abuse/import/", views.import_suspects_file, name="import-suspects"),
    path("online-abuse/<uuid:suspect_id>/", views.update_suspect, name="suspect"),
]
