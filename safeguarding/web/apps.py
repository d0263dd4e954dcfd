from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "safeguarding.web"
    label = "web"
    verbose_name = "Web shell"
