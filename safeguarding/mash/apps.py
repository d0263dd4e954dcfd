from django.apps import AppConfig


class MashConfig(AppConfig):
    name = "safeguarding.mash"
    label = "mash"
    verbose_name = "MASH triage"

    def ready(self) -> None:
        from safeguarding.concerns.reactions import on_concerns_recorded
        from safeguarding.mash.actions import open_contacts
        from safeguarding.mash.holdings import register as register_holdings
        from safeguarding.mash.worklist import register_providers

        on_concerns_recorded("mash.open_contacts", open_contacts)
        register_providers()
        register_holdings()
