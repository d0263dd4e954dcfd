from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "safeguarding.retention"
    label = "retention"
    verbose_name = "Retention, legal holds, erasure and subject access"

    def ready(self) -> None:
        from safeguarding.retention.worklist import register_providers

        register_providers()
