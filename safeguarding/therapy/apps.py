from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "safeguarding.therapy"
    label = "therapy"
    verbose_name = "Therapy waits"
