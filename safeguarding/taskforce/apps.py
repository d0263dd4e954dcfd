from django.apps import AppConfig


class TaskforceConfig(AppConfig):
    name = "safeguarding.taskforce"
    label = "taskforce"
    verbose_name = "National taskforce"
