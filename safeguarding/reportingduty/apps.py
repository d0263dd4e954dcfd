from django.apps import AppConfig


class ReportingDutyConfig(AppConfig):
    name = "safeguarding.reportingduty"
    label = "reportingduty"
    verbose_name = "Duty to report child sexual abuse"

    def ready(self) -> None:
        from safeguarding.concerns.reactions import on_concerns_recorded
        from safeguarding.reportingduty.alerts import check_recorded_concerns
        from safeguarding.reportingduty.holdings import register as register_holdings
        from safeguarding.reportingduty.worklist import register_providers

        on_concerns_recorded("reportingduty.check_recorded_concerns", check_recorded_concerns)
        register_providers()
        register_holdings()
