from django.urls import path

from safeguarding.api.routes import api

urlpatterns = [path("", api.urls)]
