from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "safeguarding.casework"
    label = "casework"
    verbose_name = "Structured case work"
