from django.urls import path

from safeguarding.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("break-glass/", views.break_glass_search, name="break-glass"),
    path("break-glass/<uuid:person_id>/", views.break_glass_open, name="break-glass-open"),
    path("break-glass/reviews/", views.break_glass_reviews, name="break-glass-reviews"),
    path(
        "break-glass/reviews/<uuid:grant_id>/",
        views.break_glass_review,
        name="break-glass-review",
    ),
]
