from django.apps import AppConfig


class ReportingDutyConfig(AppConfig):
    name = "safeguarding.reportingduty"
    label = "reportingduty"
    verbose_name = "Duty to report child sexual abuse"
