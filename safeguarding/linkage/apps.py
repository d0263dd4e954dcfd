from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "safeguarding.linkage"
    label = "linkage"
    verbose_name = "Linkage across agencies"

    def ready(self) -> None:
        from safeguarding.linkage.holdings import register as register_holdings

        register_holdings()
