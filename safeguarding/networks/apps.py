from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "safeguarding.networks"
    label = "networks"
    verbose_name = "Exploitation networks"

    def ready(self) -> None:
        from safeguarding.networks.holdings import register as register_holdings
        from safeguarding.networks.worklist import register_providers

        register_providers()
        register_holdings()
