from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "safeguarding.access"
    label = "access"
    verbose_name = "Agencies, staff and access"

    def ready(self) -> None:
        from safeguarding.access.holdings import register as register_holdings

        register_holdings()
