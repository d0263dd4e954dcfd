from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "safeguarding.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from safeguarding.web.worklist import register_providers

        register_providers()
