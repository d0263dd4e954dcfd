from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "safeguarding.collaboration"
    label = "collaboration"
    verbose_name = "Collaboration between police forces"
