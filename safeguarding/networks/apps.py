from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "safeguarding.networks"
    label = "networks"
    verbose_name = "Exploitation networks"
