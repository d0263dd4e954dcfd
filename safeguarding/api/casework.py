"""Case work in census codes: a local authority's system records a child's episodes (a
referral and what followed it) and characteristics, through the same action as the web
pages, so the same checks apply; each problem answers 422 with where it is in the body."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict, WithJsonSchema

from safeguarding.api.auth import token_user
from safeguarding.api.errors import responses
from safeguarding.casework.actions import (
    AssessmentDetails,
    Characteristics,
    CinPlanDetails,
    EpisodeDetails,
    ProtectionPlanDetails,
    Section47Details,
    details_of,
    save_characteristics,
    save_episode,
)
from safeguarding.casework.codes import (
    AssessmentFactor,
    CategoryOfAbuse,
    ConferenceOutcome,
    Disability,
    Ethnicity,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
    Section47Outcome,
)
from safeguarding.casework.gatekeeper import CaseWork, case_work_of, may_record_case_work
from safeguarding.casework.models import Episode

router = Router(tags=["Case work"])

PersonId = Annotated[
    str, WithJsonSchema({"type": "string", "format": "uuid"}), Path(description="The child's id")
]
EpisodeId = Annotated[
    str,
    WithJsonSchema({"type": "string", "format": "uuid"}),
    Path(description="The episode's id"),
]
MAX_PARTS = 50


def _codes(choices: Any) -> str:
    return "One of " + ", ".join(str(value) for value in choices.values)


class _In(Schema):
    # A field the API does not know is refused rather than dropped.
    model_config = ConfigDict(extra="forbid")


class AssessmentIn(_In):
    started_on: date
    authorised_on: date | None = None
    factors: list[str] = Field(
        [], max_length=40, description=_codes(AssessmentFactor) + "; when authorised"
    )
    child_seen: bool = False
    seen_alone: bool = False
    wishes_and_feelings: str = Field(
        "", max_length=10_000, description="The child's voice; required once authorised"
    )


class CinPlanIn(_In):
    started_on: date
    ended_on: date | None = None


class Section47In(_In):
    started_on: date
    outcome: str = Field("", description=_codes(Section47Outcome) + ", or empty while open")
    conference_target: date | None = None
    conference_date: date | None = None
    conference_outcome: str = Field("", description=_codes(ConferenceOutcome))


class ProtectionPlanIn(_In):
    started_on: date = Field(description="The day of the conference that decided the plan")
    initial_category: str = Field(description=_codes(CategoryOfAbuse))
    latest_category: str = Field("", description="As initial_category; empty for the same")
    ended_on: date | None = None
    review_dates: list[date] = Field([], max_length=MAX_PARTS)


class EpisodeIn(_In):
    referral_date: date
    referral_source: str = Field(description=_codes(ReferralSource))
    primary_need: str = Field(description=_codes(PrimaryNeed))
    no_further_action: bool = False
    closure_date: date | None = None
    closure_reason: str = Field("", description=_codes(ReasonForClosure))
    assessments: list[AssessmentIn] = Field([], max_length=MAX_PARTS)
    cin_plans: list[CinPlanIn] = Field([], max_length=MAX_PARTS)
    enquiries: list[Section47In] = Field(
        [], max_length=MAX_PARTS, description="Section 47 enquiries and initial conferences"
    )
    protection_plans: list[ProtectionPlanIn] = Field([], max_length=MAX_PARTS)

    def to_details(self, person_id: str, episode_id: Any = None) -> EpisodeDetails:
        return EpisodeDetails(
            person_id=person_id,
            referral_date=self.referral_date,
            referral_source=self.referral_source,
            primary_need=self.primary_need,
            no_further_action=self.no_further_action,
            closure_date=self.closure_date,
            closure_reason=self.closure_reason,
            assessments=[AssessmentDetails(**a.model_dump()) for a in self.assessments],
            cin_plans=[CinPlanDetails(**p.model_dump()) for p in self.cin_plans],
            enquiries=[Section47Details(**e.model_dump()) for e in self.enquiries],
            protection_plans=[
                ProtectionPlanDetails(**p.model_dump()) for p in self.protection_plans
            ],
            episode_id=episode_id,
        )


class EpisodeOut(EpisodeIn):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(description="The episode's id")

    @classmethod
    def from_episode(cls, episode: Episode) -> EpisodeOut:
        details = details_of(episode)
        return cls(
            id=str(episode.pk),
            referral_date=details.referral_date,
            referral_source=details.referral_source,
            primary_need=details.primary_need,
            no_further_action=details.no_further_action,
            closure_date=details.closure_date,
            closure_reason=details.closure_reason,
            assessments=[
                AssessmentIn(
                    started_on=a.started_on,
                    authorised_on=a.authorised_on,
                    factors=a.factors,
                    child_seen=a.child_seen,
                    seen_alone=a.seen_alone,
                    wishes_and_feelings=a.wishes_and_feelings,
                )
                for a in details.assessments
            ],
            cin_plans=[
                CinPlanIn(started_on=p.started_on, ended_on=p.ended_on) for p in details.cin_plans
            ],
            enquiries=[
                Section47In(
                    started_on=e.started_on,
                    outcome=e.outcome,
                    conference_target=e.conference_target,
                    conference_date=e.conference_date,
                    conference_outcome=e.conference_outcome,
                )
                for e in details.enquiries
            ],
            protection_plans=[
                ProtectionPlanIn(
                    started_on=p.started_on,
                    initial_category=p.initial_category,
                    latest_category=p.latest_category,
                    ended_on=p.ended_on,
                    review_dates=p.review_dates,
                )
                for p in details.protection_plans
            ],
        )


class CharacteristicsIn(_In):
    ethnicity: str = Field(description=_codes(Ethnicity))
    disabilities: list[str] = Field(
        max_length=20, description=_codes(Disability) + "; ['NONE'] for none"
    )


class CharacteristicsOut(Schema):
    la_child_id: str = Field(description="The child's id in the authority's census return")
    ethnicity: str
    disabilities: list[str]


def _work(request: HttpRequest, person_id: str, purpose: str) -> CaseWork:
    user = token_user(request)
    if not may_record_case_work(user):
        raise PermissionDenied("Only a local authority's case-working staff record case work")
    return case_work_of(user, person_id, purpose=purpose)


def _loc(key: str) -> list[str | int]:
    """``assessments.2.factors`` (parts counted from 1, as the web shows them) is
    ``["body", "assessments", 1, "factors"]`` in the JSON body."""
    loc: list[str | int] = ["body"]
    for part in key.split("."):
        loc.append(int(part) - 1 if part.isdigit() else part)
    return loc if key != "__all__" else ["body"]


def _saved(request: HttpRequest, details: EpisodeDetails) -> Episode:
    try:
        return save_episode(actor=token_user(request), details=details)
    except ValidationError as error:
        problems = [
            {"loc": _loc(key), "msg": message, "type": "invalid"}
            for key, messages in error.message_dict.items()
            for message in messages
        ]
        raise NinjaValidationError(problems) from error


_list_responses, _list_docs = responses(
    {200: (list[EpisodeOut], "The authority's episodes for the child, oldest first")}, 403, 404
)


@router.get(
    "/{id}/episodes",
    response=_list_responses,
    openapi_extra=_list_docs,
    operation_id="list_episodes",
    summary="List a child's case-work episodes",
    description="The token's local authority's episodes for the child, in census codes. "
    "Only a local authority's case-working accounts (403 otherwise). Audited.",
)
def list_episodes(request: HttpRequest, id: PersonId) -> list[EpisodeOut]:
    work = _work(request, id, "read case work (API)")
    return [EpisodeOut.from_episode(episode) for episode in work.episodes]


_create_responses, _create_docs = responses(
    {201: (EpisodeOut, "The episode was recorded")}, 400, 403, 404, 413, 422
)


@router.post(
    "/{id}/episodes",
    response=_create_responses,
    openapi_extra=_create_docs,
    operation_id="record_episode",
    summary="Record a case-work episode",
    description="A referral and what followed it (assessments, child in need plans, section "
    "47 enquiries and conferences, child protection plans, closure), in the DfE's CIN census "
    "codes. Checked as the web pages check it: each problem is listed (422) with its place "
    "in the body. Audited.",
)
def record_episode(request: HttpRequest, id: PersonId, body: EpisodeIn) -> Status[Any]:
    work = _work(request, id, "record case work (API)")
    episode = _saved(request, body.to_details(str(work.person.pk)))
    work = case_work_of(token_user(request), id, purpose="record case work (API)")
    return Status(201, EpisodeOut.from_episode(work.episode(episode.pk)))


_replace_responses, _replace_docs = responses(
    {200: (EpisodeOut, "The episode's new version")}, 400, 403, 404, 413, 422
)


@router.put(
    "/{id}/episodes/{episode_id}",
    response=_replace_responses,
    openapi_extra=_replace_docs,
    operation_id="replace_episode",
    summary="Record a new version of an episode",
    description="The episode as it now stands, whole: its parts are replaced by those sent. "
    "Checked and audited as when recorded.",
)
def replace_episode(
    request: HttpRequest, id: PersonId, episode_id: EpisodeId, body: EpisodeIn
) -> Status[Any]:
    work = _work(request, id, "record case work (API)")
    held = work.episode(episode_id)
    _saved(request, body.to_details(str(work.person.pk), held.pk))
    work = case_work_of(token_user(request), id, purpose="record case work (API)")
    return Status(200, EpisodeOut.from_episode(work.episode(held.pk)))


_chars_responses, _chars_docs = responses(
    {200: (CharacteristicsOut, "The child's characteristics as recorded")},
    400,
    403,
    404,
    413,
    422,
)


@router.put(
    "/{id}/characteristics",
    response=_chars_responses,
    openapi_extra=_chars_docs,
    operation_id="record_characteristics",
    summary="Record a child's ethnicity and disabilities",
    description="In the DfE's codes, for the token's local authority. Audited.",
)
def record_characteristics(
    request: HttpRequest, id: PersonId, body: CharacteristicsIn
) -> CharacteristicsOut:
    work = _work(request, id, "record case work (API)")
    try:
        save_characteristics(
            actor=token_user(request),
            details=Characteristics(work.person.pk, body.ethnicity, list(body.disabilities)),
        )
    except ValidationError as error:
        raise NinjaValidationError(
            [
                {"loc": _loc(key), "msg": message, "type": "invalid"}
                for key, messages in error.message_dict.items()
                for message in messages
            ]
        ) from error
    profile = case_work_of(token_user(request), id, purpose="record case work (API)").profile
    assert profile is not None  # just saved
    return CharacteristicsOut(
        la_child_id=profile.la_child_id,
        ethnicity=profile.ethnicity,
        disabilities=list(profile.disabilities),
    )
