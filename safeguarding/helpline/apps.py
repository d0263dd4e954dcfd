import logging

from django.apps import AppConfig

# The reporter's pages; staff pages (staff/, referrals/, statistics/) are logged as usual.
PUBLIC_PREFIX = "/helpline/"
STAFF_PREFIXES = ("/helpline/staff/", "/helpline/referrals/", "/helpline/statistics/")


class WithoutReporterVisits(logging.Filter):
    """Drops the request log's line for a reporter's page: its timestamp would date the
    visit to the second, which is more than an anonymous report may keep (the day only)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        path = str(args[1]) if len(args) > 1 else ""
        return not (path.startswith(PUBLIC_PREFIX) and not path.startswith(STAFF_PREFIXES))


class HelplineConfig(AppConfig):
    name = "safeguarding.helpline"
    label = "helpline"
    verbose_name = "Helpline for reports of bad practice"

    def ready(self) -> None:
        from safeguarding.access.reactions import on_password_changed
        from safeguarding.helpline.actions import rewrap_staff_key
        from safeguarding.helpline.worklist import register_providers as register_work_lists

        logging.getLogger("safeguarding.requests").addFilter(WithoutReporterVisits())
        # The key a member of staff's password protects is re-wrapped when it changes.
        on_password_changed("helpline.rewrap_staff_key", rewrap_staff_key)
        register_work_lists()
