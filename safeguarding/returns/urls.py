from django.urls import path

from safeguarding.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.returns_page, name="page"),
    path("cin-census/<str:year>.xml", views.download_cin_census, name="cin-census"),
]
