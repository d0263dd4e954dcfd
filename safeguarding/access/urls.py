from django.urls import path

from safeguarding.access import views

app_name = "access"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/security-code/", views.second_factor_step, name="second-factor"),
    path("sign-in/set-up-security-code/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/password/", views.change_password, name="change-password"),
    path("admin/staff/", views.users, name="users"),
    path("admin/staff/new/", views.user_create, name="user-create"),
    path("admin/staff/<int:user_id>/unlock/", views.user_unlock, name="user-unlock"),
    path("admin/staff/<int:user_id>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("admin/agencies/", views.agencies, name="agencies"),
    path("admin/agencies/new/", views.agency_create, name="agency-create"),
]
