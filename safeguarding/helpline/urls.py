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
    path("staff/phone/", views.phone_report, name="phone"),
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
    path("staff/reports/<uuid:report_id>/close/", views.close, name="close"),
    path("staff/reports/<uuid:report_id>/reopen/", views.reopen, name="reopen"),
    path("staff/reports/<uuid:report_id>/conflict/", views.conflict, name="conflict"),
    path(
        "staff/reports/<uuid:report_id>/conflict/<int:exclusion_id>/confirm/",
        views.confirm_conflict,
        name="confirm-conflict",
    ),
    path(
        "staff/reports/<uuid:report_id>/conflict/<int:exclusion_id>/undo/",
        views.undo_conflict,
        name="undo-conflict",
    ),
    path(
        "staff/reports/<uuid:report_id>/files/<uuid:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "staff/reports/<uuid:report_id>/files/<uuid:attachment_id>/original/",
        views.attachment_original,
        name="attachment-original",
    ),
    # Counts for helpline staff and the taskforce, and the annual report.
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/annual-report/<int:year>/", views.annual_report, name="annual-report"),
    path(
        "statistics/annual-report/<int:year>/pdf/",
        views.annual_report_pdf,
        name="annual-report-pdf",
    ),
    # Staff of an agency a referral was routed to.
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<uuid:referral_id>/", views.referral, name="referral"),
]
