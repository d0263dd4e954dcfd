from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "safeguarding.concerns"
    label = "concerns"
    verbose_name = "Concerns"

    def ready(self) -> None:
        from safeguarding.access.policy import Holding, register_holding
        from safeguarding.access.roles import Role
        from safeguarding.concerns.holdings import register as register_holdings
        from safeguarding.concerns.models import ConcernPerson

        # A concern sent to a local authority lets those who triage at its MASH (its
        # triage officers, and the team managers who also decide contacts) see the people
        # it names, and tells the authority of break-glass access to them.
        register_holding(
            "concerns.sent_to_mash",
            Holding(
                ConcernPerson.objects.all(),
                agency="concern__local_authority",
                roles=frozenset({Role.MASH_TRIAGE, Role.TEAM_MANAGER}),
            ),
        )
        register_holdings()
