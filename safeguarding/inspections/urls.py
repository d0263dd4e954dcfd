from django.urls import path

from safeguarding.inspections import views
from safeguarding.inspections.queries import LIST_KEYS

app_name = "inspections"
urlpatterns = [
    path("", views.inspections, name="list"),
    path("schedule/", views.schedule, name="schedule"),
    path("<uuid:inspection_id>/", views.inspection_detail, name="inspection"),
    path("<uuid:inspection_id>/data-pack.xlsx", views.pack_xlsx, name="pack-xlsx"),
    # One address per list, so that no free text reaches the view from the address.
    *(
        path(
            f"<uuid:inspection_id>/data-pack/{key}.csv",
            views.pack_csv,
            {"key": key},
            name="pack-csv",
        )
        for key in LIST_KEYS
    ),
    path("<uuid:inspection_id>/findings/new/", views.new_finding, name="new-finding"),
    path("findings/<uuid:finding_id>/actions/new/", views.new_action, name="new-action"),
    path("actions/<uuid:action_id>/", views.action_detail, name="action"),
    path("actions/<uuid:action_id>/update/", views.update, name="update-action"),
]
