from django.apps import AppConfig


class GovukConfig(AppConfig):
    name = "safeguarding.govuk"
    label = "govuk"
    verbose_name = "GOV.UK Design System kit"
