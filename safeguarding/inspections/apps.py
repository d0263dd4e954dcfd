from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "safeguarding.inspections"
    label = "inspections"
    verbose_name = "Joint inspections"

    def ready(self) -> None:
        from safeguarding.inspections.worklist import register_providers

        register_providers()
