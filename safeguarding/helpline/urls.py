from django.urls import path

from safeguarding.helpline import views

app_name = "helpline"
urlpatterns = [
    # Public: no sign-in, no cookies.
    path("", views.start, name="helpline-start"),
    path("report/", views.report, name="helpline-report"),
    path("report/known-as/", views.known_as, name="helpline-known-as"),
    path("report/receipt-saved/", views.receipt_saved, name="helpline-receipt-saved"),
    path("return/", views.return_with_receipt, name="helpline-return"),
    path("return/conversation/", views.conversation, name="helpline-conversation"),
    # Helpline staff.
    path("staff/", views.queue, name="queue"),
    path("staff/quarantine/", views.quarantine, name="quarantine"),
    path("staff/unlock/", views.unlock, name="unlock"),
    path("staff/reports/<uuid:report_id>/", views.report_detail, name="report"),
    path("staff/reports/<uuid:report_id>/categorise/", views.categorise, name="categorise"),
    path("staff/reports/<uuid:report_id>/danger/", views.child_in_danger, name="danger"),
    path("staff/reports/<uuid:report_id>/reply/", views.reply, name="reply"),
    path("staff/reports/<uuid:report_id>/extend/", views.extend, name="extend"),
    path("staff/reports/<uuid:report_id>/name-agency/", views.name_agency, name="name-agency"),
    path("staff/reports/<uuid:report_id>/assign/", views.assign, name="assign"),
    path("staff/reports/<uuid:report_id>/route/", views.route, name="route"),
    path("staff/reports/<uuid:report_id>/release/", views.release, name="release"),
    # Staff of an agency a referral was routed to.
    path("referrals/<uuid:referral_id>/", views.referral, name="referral"),
]
