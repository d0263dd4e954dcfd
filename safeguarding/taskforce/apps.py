from django.apps import AppConfig


class TaskforceConfig(AppConfig):
    name = "safeguarding.taskforce"
    label = "taskforce"
    verbose_name = "National taskforce"

    def ready(self) -> None:
        from safeguarding.taskforce.worklist import register_providers

        register_providers()
