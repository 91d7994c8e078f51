"""Recruitment API: staff only (``StaffOnly``: partner users get 403 on every endpoint)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from meute.core.models import Organization
from meute.lib.api import StaffOnly
from meute.lib.api_serializers import drf_validation_error
from meute.lib.api_views import UUID_PATTERN, VisibleModelViewSet, crud_schema
from meute.lib.refusals import Refusal

from .. import pipeline, potential, profiles
from ..models import (
    AttributeDefinition,
    AttributeValue,
    Candidate,
    Competitor,
    CompetitorPartnership,
    QualificationQuestion,
    ScoringProfile,
)
from ..scoring import ScoringError
from . import serializers

TOP = OpenApiParameter("top", int, description="How many rows (1–500, default 50).")


def _top(request, default=50):
    try:
        return max(1, min(int(request.query_params.get("top", default)), 500))
    except ValueError:
        return default


class StaffViewSet(VisibleModelViewSet):
    permission_classes = [StaffOnly]


@crud_schema(
    "profile attributes", "a profile attribute", "Attributes the operator adds to organisation profiles."
)
class AttributeDefinitionViewSet(StaffViewSet):
    model = AttributeDefinition
    serializer_class = serializers.AttributeDefinitionSerializer


@crud_schema("attribute values", "an attribute value", "Organisations' values of the operator's attributes.")
class AttributeValueViewSet(StaffViewSet):
    model = AttributeValue
    serializer_class = serializers.AttributeValueSerializer
    select_related = ("organization", "definition")


@crud_schema(
    "scoring profiles",
    "a scoring profile",
    "Ideal-partner and look-alike profiles: weighted groups of criteria.",
)
class ScoringProfileViewSet(StaffViewSet):
    model = ScoringProfile
    serializer_class = serializers.ScoringProfileSerializer
    prefetch_related = ("references",)

    @extend_schema(
        summary="Rank every organisation",
        parameters=[TOP],
        responses=serializers.RankingRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def ranking(self, request, uuid=None):
        profile = self.get_object()
        try:
            ranking = profiles.rank(profile, top=_top(request))
        except ScoringError as exc:
            raise drf_serializers.ValidationError({"profile": [str(exc)]}) from None
        return Response(serializers.ranking_data(ranking))


class LookalikeViewSet(viewsets.ViewSet):
    """Who looks like this organisation? Every organisation ranked by similarity to it."""

    permission_classes = [StaffOnly]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN

    @extend_schema(
        summary="Look-alikes of an organisation",
        parameters=[TOP],
        responses=serializers.RankingRowSerializer(many=True),
    )
    def retrieve(self, request, uuid=None):
        organization = Organization.objects.filter(uuid=uuid, is_operator=False).first()
        if organization is None:
            raise NotFound
        return Response(serializers.ranking_data(profiles.lookalike(organization, top=_top(request, 20))))


@crud_schema("candidates", "a candidate", "The recruitment pipeline; stages change through `move`.")
class CandidateViewSet(StaffViewSet):
    model = Candidate
    serializer_class = serializers.CandidateSerializer
    select_related = ("organization", "owner")
    prefetch_related = ("product_lines",)
    filterset_fields = ["stage"]

    @extend_schema(summary="Move a candidate to another stage", request=serializers.MoveSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, uuid=None):
        candidate = self.get_object()
        self.check_object_permissions(request, candidate)
        form = serializers.MoveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            with self._actor():
                warnings = pipeline.move(
                    candidate,
                    form.validated_data["stage"],
                    request.user,
                    reason=form.validated_data["reason"],
                )
        except Refusal:
            raise  # 409 with the stage it is at
        except ValidationError as exc:
            raise drf_validation_error(ValidationError({"stage": exc.messages})) from None
        candidate.refresh_from_db()
        return Response({**self.get_serializer(candidate).data, "warnings": warnings})

    @extend_schema(
        summary="Read or fill the qualification grid",
        request=serializers.GridSerializer,
        responses=serializers.GridResultSerializer,
    )
    @action(detail=True, methods=["get", "put"])
    def grid(self, request, uuid=None):
        candidate = self.get_object()
        questions = {str(q.uuid): q for q in QualificationQuestion.objects.filter(is_active=True)}
        if request.method == "PUT":
            self.check_object_permissions(request, candidate)
            form = serializers.GridSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            unknown = [key for key in form.validated_data["ratings"] if key not in questions]
            if unknown:
                raise drf_serializers.ValidationError(
                    {"ratings": [_("Unknown question: %(keys)s") % {"keys": ", ".join(unknown)}]}
                )
            comments = form.validated_data.get("comments", {})
            with self._actor(), transaction.atomic():
                pipeline.save_grid(
                    candidate,
                    {questions[key]: value for key, value in form.validated_data["ratings"].items()},
                    {questions[key]: text for key, text in comments.items() if key in questions},
                )
        score = pipeline.grid_score(list(candidate.answers.all()), list(questions.values()))
        ratings = {str(a.question.uuid): a.rating for a in candidate.answers.select_related("question")}
        return Response(
            {"ratings": ratings, "score": score.total, "pillars": score.pillars, "answered": score.answered},
            status=status.HTTP_200_OK,
        )


@crud_schema("qualification questions", "a qualification question", "The grid filled in meetings, by pillar.")
class QualificationQuestionViewSet(StaffViewSet):
    model = QualificationQuestion
    serializer_class = serializers.QualificationQuestionSerializer


@crud_schema("competitors", "a competitor", "Competing vendors whose partner networks are recorded.")
class CompetitorViewSet(StaffViewSet):
    model = Competitor
    serializer_class = serializers.CompetitorSerializer


@crud_schema(
    "competitor partnerships", "a competitor partnership", "Organisations partnering with a competitor."
)
class CompetitorPartnershipViewSet(StaffViewSet):
    model = CompetitorPartnership
    serializer_class = serializers.CompetitorPartnershipSerializer
    select_related = ("competitor", "organization")


class ChannelPotentialViewSet(viewsets.ViewSet):
    """Revenue potential per partner of the network and per product line (the formula of the settings)."""

    permission_classes = [StaffOnly]

    @extend_schema(
        summary="Revenue potential of the network", responses=serializers.PotentialSerializer(many=True)
    )
    def list(self, request):
        return Response(serializers.PotentialSerializer(potential.potentials(), many=True).data)
