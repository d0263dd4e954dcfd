from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "safeguarding.helpline"
    label = "helpline"
    verbose_name = "Helpline for reports of bad practice"
