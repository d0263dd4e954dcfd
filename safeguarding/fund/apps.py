from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "safeguarding.fund"
    label = "fund"
    verbose_name = "Victim support fund"

    def ready(self) -> None:
        from safeguarding.fund.worklist import register_providers

        register_providers()
