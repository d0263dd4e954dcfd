from django.apps import AppConfig


class ExitPaymentsConfig(AppConfig):
    name = "safeguarding.exitpayments"
    label = "exitpayments"
    verbose_name = "Exit payments and claw-back"

    def ready(self) -> None:
        from safeguarding.exitpayments.worklist import register_providers

        register_providers()
