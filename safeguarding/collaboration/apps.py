from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "safeguarding.collaboration"
    label = "collaboration"
    verbose_name = "Collaboration between police forces"

    def ready(self) -> None:
        from safeguarding.collaboration.holdings import register as register_holdings
        from safeguarding.collaboration.worklist import register_providers

        register_providers()
        register_holdings()
