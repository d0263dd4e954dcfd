from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _prepare_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each connection what the append-only triggers consult (see migration 0002)."""
    from django.conf import settings

    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "audit_purge_allowed", 0, lambda: 1 if settings.AUDIT_ALLOW_PURGE else 0
        )
    elif connection.vendor == "postgresql" and settings.AUDIT_ALLOW_PURGE:
        with connection.cursor() as cursor:
            cursor.execute("SET safeguarding.audit_purge = 'allowed'")


class AuditConfig(AppConfig):
    name = "safeguarding.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        connection_created.connect(_prepare_connection, dispatch_uid="audit-connection")
