from django.urls import URLPattern

app_name = "warningnotices"
urlpatterns: list[URLPattern] = []
