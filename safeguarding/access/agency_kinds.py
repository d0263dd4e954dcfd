"""The kinds of agency. Kept apart from the models so that the command line can list them
without starting Django."""

from django.db import models


class AgencyKind(models.TextChoices):
    LOCAL_AUTHORITY = "local-authority", "Local authority children's social care"
    POLICE_FORCE = "police-force", "Police force"
    SCHOOL = "school", "School"
    NHS_BODY = "nhs-body", "NHS body"
    VOLUNTARY_ORGANISATION = "voluntary", "Voluntary organisation"
    NATIONAL_BODY = "national-body", "National body"
    HELPLINE = "helpline", "Helpline"
