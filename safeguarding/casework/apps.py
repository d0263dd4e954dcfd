from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "safeguarding.casework"
    label = "casework"
    verbose_name = "Structured case work"

    def ready(self) -> None:
        from safeguarding.casework.holdings import register as register_holdings

        register_holdings()
