from django.urls import path

from safeguarding.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("pairs/<uuid:pair_id>/", views.pair, name="pair"),
    path("merges/", views.merges, name="merges"),
    path("merges/<uuid:merge_id>/undo/", views.undo, name="undo"),
]
