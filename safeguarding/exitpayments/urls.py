from django.urls import URLPattern

app_name = "exitpayments"
urlpatterns: list[URLPattern] = []
