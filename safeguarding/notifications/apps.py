from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "safeguarding.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from safeguarding.notifications.holdings import register as register_holdings

        register_holdings()
