from django.urls import path

from safeguarding.concerns import views

app_name = "concerns"
urlpatterns = [path("new/", views.record, name="record")]
