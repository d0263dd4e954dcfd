from django.apps import AppConfig


class ClocksConfig(AppConfig):
    name = "safeguarding.clocks"
    label = "clocks"
    verbose_name = "Statutory clocks"

    def ready(self) -> None:
        from safeguarding.clocks.holdings import register as register_holdings
        from safeguarding.clocks.worklist import register_providers

        register_providers()
        register_holdings()
