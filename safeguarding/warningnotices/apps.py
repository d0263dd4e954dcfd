from django.apps import AppConfig


class WarningNoticesConfig(AppConfig):
    name = "safeguarding.warningnotices"
    label = "warningnotices"
    verbose_name = "Child abduction warning notices"

    def ready(self) -> None:
        from safeguarding.concerns.reactions import on_concerns_recorded
        from safeguarding.warningnotices.alerts import check_recorded_concerns
        from safeguarding.warningnotices.holdings import register as register_holdings

        on_concerns_recorded("warningnotices.check_recorded_concerns", check_recorded_concerns)
        register_holdings()
