from django.urls import path

from safeguarding.exitpayments import views

app_name = "exitpayments"
urlpatterns = [
    path("", views.register, name="register"),
    path("record/", views.record_exit_payment, name="record-exit-payment"),
    path("<uuid:exit_payment_id>/", views.exit_payment_detail, name="exit-payment"),
    path("appointments/record/", views.record_appointment, name="record-appointment"),
    path("appointments/<uuid:appointment_id>/", views.appointment_detail, name="appointment"),
    path("recoveries/<uuid:recovery_id>/", views.recovery_detail, name="recovery"),
    path("recoveries/<uuid:recovery_id>/agree/", views.agree, name="agree"),
    path("recoveries/<uuid:recovery_id>/payments/", views.record_payment, name="record-payment"),
    path("recoveries/<uuid:recovery_id>/waive/", views.waive, name="waive"),
    path("rule-sets/", views.rule_set_list, name="rule-sets"),
]
