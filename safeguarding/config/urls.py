from django.urls import include, path

from safeguarding.web import views as web_views

urlpatterns = [
    path("", include("safeguarding.web.urls")),
    path("healthz", web_views.healthz, name="healthz"),
    path("", include("safeguarding.access.urls")),
    path("people/", include("safeguarding.people.urls")),
    path("people/", include("safeguarding.chronology.urls")),
    path("people/", include("safeguarding.pathway.urls")),
    path("people/", include("safeguarding.casework.urls")),
    path("returns/", include("safeguarding.returns.urls")),
    path("concerns/", include("safeguarding.concerns.urls")),
    path("mash/", include("safeguarding.mash.urls")),
    path("clocks/", include("safeguarding.clocks.urls")),
    path("exit-payments/", include("safeguarding.exitpayments.urls")),
    path("support-fund/", include("safeguarding.fund.urls")),
    path("therapy/", include("safeguarding.therapy.urls")),
    path("warning-notices/", include("safeguarding.warningnotices.urls")),
    path("networks/", include("safeguarding.networks.urls")),
    path("reporting-duty/", include("safeguarding.reportingduty.urls")),
    path("helpline/", include("safeguarding.helpline.urls")),
    path("linkage/", include("safeguarding.linkage.urls")),
    path("collaboration/", include("safeguarding.collaboration.urls")),
    path("inspections/", include("safeguarding.inspections.urls")),
    path("taskforce/", include("safeguarding.taskforce.urls")),
    path("notifications/", include("safeguarding.notifications.urls")),
    path("records/", include("safeguarding.retention.urls")),
    path("api/v1/", include("safeguarding.api.urls")),
]

handler400 = web_views.bad_request
handler403 = web_views.permission_denied
handler404 = web_views.page_not_found
handler500 = web_views.server_error
