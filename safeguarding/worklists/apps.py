from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "safeguarding.worklists"
    label = "worklists"
    verbose_name = "Work lists and hand-offs"
