from django.apps import AppConfig


class MashConfig(AppConfig):
    name = "safeguarding.mash"
    label = "mash"
    verbose_name = "MASH triage"
