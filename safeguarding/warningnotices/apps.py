from django.apps import AppConfig


class WarningNoticesConfig(AppConfig):
    name = "safeguarding.warningnotices"
    label = "warningnotices"
    verbose_name = "Child abduction warning notices"
