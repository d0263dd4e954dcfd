from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safeguarding.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from safeguarding.access.policy import Holding, register_holding
        from safeguarding.people.holdings import register as register_holdings
        from safeguarding.people.models import AgencyRecord

        # An agency that holds a record on a person sees the person.
        register_holding(
            "people.agency_records", Holding(AgencyRecord.objects.all(), agency="agency")
        )
        register_holdings()
