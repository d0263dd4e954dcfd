from django.urls import URLPattern

app_name = "reportingduty"
urlpatterns: list[URLPattern] = []
