from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "safeguarding.chronology"
    label = "chronology"
    verbose_name = "Chronologies"

    def ready(self) -> None:
        from safeguarding.chronology.holdings import register

        register()
