from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "safeguarding.fund"
    label = "fund"
    verbose_name = "Victim support fund"
