from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "safeguarding.therapy"
    label = "therapy"
    verbose_name = "Therapy waits"

    def ready(self) -> None:
        from safeguarding.therapy.holdings import register as register_holdings
        from safeguarding.therapy.worklist import register_providers

        register_providers()
        register_holdings()
