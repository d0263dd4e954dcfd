"""The Department for Education's code lists for the Children in Need census (2025 to 2026),
with their labels, and the few codes of our own that good practice needs besides.

The codes are the values the census XML carries, so they never change here without the
DfE changing them; the labels are what staff choose from."""

from __future__ import annotations

from django.db import models


class ReferralSource(models.TextChoices):
    FAMILY = "1A", "Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual: acquaintance (including neighbours and child minders)"
    SELF = "1C", "Individual: self"
    INDIVIDUAL_OTHER = "1D", "Individual: other"
    SCHOOLS = "2A", "Schools"
    EDUCATION_SERVICES = "2B", "Education services"
    GP = "3A", "Health services: GP"
    HEALTH_VISITOR = "3B", "Health services: health visitor"
    SCHOOL_NURSE = "3C", "Health services: school nurse"
    OTHER_PRIMARY_HEALTH = "3D", "Health services: other primary health services"
    EMERGENCY_DEPARTMENT = "3E", "Health services: A&E (emergency department)"
    OTHER_HEALTH = "3F", "Health services: other"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "Local authority services: social care"
    LA_OTHER_INTERNAL = "5B", "Local authority services: other internal"
    LA_EXTERNAL = "5C", "Local authority services: external"
    LA_EARLY_HELP = "5D", "Local authority services: early help"
    POLICE = "6", "Police"
    OTHER_LEGAL = "7", "Other legal agency"
    OTHER = "8", "Other"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class PrimaryNeed(models.TextChoices):
    NOT_STATED = "N0", "Not stated (referral with no further action only)"
    ABUSE_OR_NEGLECT = "N1", "Abuse or neglect"
    CHILD_DISABILITY = "N2", "Child's disability or illness"
    PARENT_DISABILITY = "N3", "Parental disability or illness"
    ACUTE_STRESS = "N4", "Family in acute stress"
    FAMILY_DYSFUNCTION = "N5", "Family dysfunction"
    SOCIALLY_UNACCEPTABLE = "N6", "Socially unacceptable behaviour"
    LOW_INCOME = "N7", "Low income"
    ABSENT_PARENTING = "N8", "Absent parenting"
    NOT_IN_NEED = "N9", "Cases other than children in need"


class AssessmentFactor(models.TextChoices):
    ALCOHOL_CHILD = "1A", "Alcohol misuse: concerns about the child"
    ALCOHOL_PARENT = "1B", "Alcohol misuse: concerns about the parent or carer"
    ALCOHOL_OTHER = "1C", "Alcohol misuse: concerns about another person in the household"
    DRUGS_CHILD = "2A", "Drug misuse: concerns about the child"
    DRUGS_PARENT = "2B", "Drug misuse: concerns about the parent or carer"
    DRUGS_OTHER = "2C", "Drug misuse: concerns about another person in the household"
    DOMESTIC_ABUSE_CHILD = "3A", "Domestic abuse: concerns about the child"
    DOMESTIC_ABUSE_PARENT = "3B", "Domestic abuse: concerns about the parent or carer"
    DOMESTIC_ABUSE_OTHER = "3C", "Domestic abuse: concerns about another person in the household"
    MENTAL_HEALTH_CHILD = "4A", "Mental health: concerns about the child"
    MENTAL_HEALTH_PARENT = "4B", "Mental health: concerns about the parent or carer"
    MENTAL_HEALTH_OTHER = "4C", "Mental health: concerns about another person in the household"
    LEARNING_DISABILITY_CHILD = "5A", "Learning disability: concerns about the child"
    LEARNING_DISABILITY_PARENT = "5B", "Learning disability: concerns about the parent or carer"
    LEARNING_DISABILITY_OTHER = "5C", "Learning disability: concerns about another person"
    PHYSICAL_DISABILITY_CHILD = "6A", "Physical disability or illness: concerns about the child"
    PHYSICAL_DISABILITY_PARENT = "6B", "Physical disability or illness: the parent or carer"
    PHYSICAL_DISABILITY_OTHER = "6C", "Physical disability or illness: another person"
    YOUNG_CARER = "7A", "Young carer"
    FOSTERED_OVERSEAS_RETURN = "8B", "Privately fostered: overseas child who intends to return"
    FOSTERED_OVERSEAS_STAY = "8C", "Privately fostered: overseas child who intends to stay"
    FOSTERED_EDUCATION = "8D", "Privately fostered: UK child in an educational placement"
    FOSTERED_FAMILY = "8E", "Privately fostered: UK child in an alternative family arrangement"
    FOSTERED_OTHER = "8F", "Privately fostered: other"
    UNACCOMPANIED_ASYLUM = "9A", "Unaccompanied asylum-seeking child"
    MISSING = "10A", "Going or being missing"
    SEXUAL_EXPLOITATION = "11A", "Child sexual exploitation"
    TRAFFICKING = "12A", "Trafficking"
    GANGS = "13A", "Gangs"
    SOCIALLY_UNACCEPTABLE = "14A", "Socially unacceptable behaviour"
    SELF_HARM = "15A", "Self-harm"
    NEGLECT = "16A", "Abuse or neglect: neglect"
    EMOTIONAL_ABUSE = "17A", "Abuse or neglect: emotional abuse"
    PHYSICAL_ABUSE_ADULT = "18B", "Abuse or neglect: physical abuse, adult on child"
    PHYSICAL_ABUSE_CHILD = "18C", "Abuse or neglect: physical abuse, child on child"
    SEXUAL_ABUSE_ADULT = "19B", "Abuse or neglect: sexual abuse, adult on child"
    SEXUAL_ABUSE_CHILD = "19C", "Abuse or neglect: sexual abuse, child on child"
    OTHER = "20", "Other"
    NO_FACTORS = "21", "No factors identified"
    FEMALE_GENITAL_MUTILATION = "22A", "Female genital mutilation"
    FAITH_OR_BELIEF = "23A", "Abuse linked to faith or belief"
    CRIMINAL_EXPLOITATION = "24A", "Child criminal exploitation"


class CategoryOfAbuse(models.TextChoices):
    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "Multiple categories"


class ReasonForClosure(models.TextChoices):
    ADOPTED = "RC1", "Adopted"
    DIED = "RC2", "Died"
    CHILD_ARRANGEMENTS_ORDER = "RC3", "Child arrangements order"
    SPECIAL_GUARDIANSHIP = "RC4", "Special guardianship order"
    TRANSFERRED_LA = "RC5", "Transferred to the services of another local authority"
    TRANSFERRED_ADULTS = "RC6", "Transferred to adult social care services"
    CEASED = "RC7", "Services ceased for any other reason, including no longer in need"
    CLOSED_AFTER_ASSESSMENT = "RC8", "Case closed after assessment, no further action"
    EARLY_HELP_AFTER_ASSESSMENT = "RC9", "Case closed after assessment, referred to early help"


class Disability(models.TextChoices):
    NONE = "NONE", "No disability"
    MOBILITY = "MOB", "Mobility"
    HAND_FUNCTION = "HAND", "Hand function"
    PERSONAL_CARE = "PC", "Personal care"
    INCONTINENCE = "INC", "Incontinence or bladder and bowel control"
    COMMUNICATION = "COMM", "Communication"
    LEARNING = "LD", "Learning"
    HEARING = "HEAR", "Hearing"
    VISION = "VIS", "Vision"
    BEHAVIOUR = "BEH", "Behaviour"
    CONSCIOUSNESS = "CON", "Consciousness"
    AUTISM = "AUT", "Autism or Asperger syndrome"
    OTHER = "DDA", "Other disability under the Equality Act 2010"


class Ethnicity(models.TextChoices):
    WHITE_BRITISH = "WBRI", "White: British"
    WHITE_IRISH = "WIRI", "White: Irish"
    IRISH_TRAVELLER = "WIRT", "White: Traveller of Irish heritage"
    GYPSY_ROMA = "WROM", "White: Gypsy or Roma"
    WHITE_OTHER = "WOTH", "White: any other White background"
    WHITE_BLACK_CARIBBEAN = "MWBC", "Mixed: White and Black Caribbean"
    WHITE_BLACK_AFRICAN = "MWBA", "Mixed: White and Black African"
    WHITE_ASIAN = "MWAS", "Mixed: White and Asian"
    MIXED_OTHER = "MOTH", "Mixed: any other mixed background"
    INDIAN = "AIND", "Asian or Asian British: Indian"
    PAKISTANI = "APKN", "Asian or Asian British: Pakistani"
    BANGLADESHI = "ABAN", "Asian or Asian British: Bangladeshi"
    ASIAN_OTHER = "AOTH", "Asian or Asian British: any other Asian background"
    CARIBBEAN = "BCRB", "Black or Black British: Caribbean"
    AFRICAN = "BAFR", "Black or Black British: African"
    BLACK_OTHER = "BOTH", "Black or Black British: any other Black background"
    CHINESE = "CHNE", "Chinese"
    OTHER = "OOTH", "Any other ethnic group"
    REFUSED = "REFU", "Refused"
    NOT_OBTAINED = "NOBT", "Information not yet obtained"


class Section47Outcome(models.TextChoices):
    """Not a census code: what the enquiry found, which decides whether a conference is
    needed (the census's ICPCnotRequired flag follows from it)."""

    NOT_SUBSTANTIATED = "not-substantiated", "Concerns not substantiated"
    NO_CONTINUING_RISK = (
        "no-continuing-risk",
        "Concerns substantiated, child not judged at continuing risk of significant harm",
    )
    CONFERENCE = (
        "conference",
        "Concerns substantiated, child judged at continuing risk: conference to be held",
    )


class ConferenceOutcome(models.TextChoices):
    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no-plan", "No child protection plan"


def label(choices: type[models.TextChoices], code: str) -> str:
    """The label of ``code``, or the code itself for a value no longer in the list."""
    return dict(choices.choices).get(code, code)
