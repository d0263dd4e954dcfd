from django.urls import path

from safeguarding.pathway import views

app_name = "pathway"
urlpatterns = [path("<uuid:person_id>/events/new/", views.new_event, name="new-event")]
