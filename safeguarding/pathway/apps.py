from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "safeguarding.pathway"
    label = "pathway"
    verbose_name = "Statutory pathway"

    def ready(self) -> None:
        from safeguarding.pathway.holdings import register as register_holdings

        register_holdings()
