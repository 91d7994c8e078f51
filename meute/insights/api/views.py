"""Insights API: governance meetings and exchanges (scoped rows), and the figures of the pages as JSON —
a partnership's health, scorecard and integration index (any partnership the user may see, else 404), the
network figures and survey results (staff only, 403 for partner users)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from meute.lib import access
from meute.lib.api_views import UUID_PATTERN
from meute.partnerships.models import Partnership

from .. import aggregates, dashboard, governance, integration, surveys
from ..models import GovernanceMeeting, Interaction, Survey
from ..scorecard import scorecard
from ..snapshots import partnership_health, trend
from . import serializers


def _money(value):
    return str(value)


@extend_schema_view(
    list=extend_schema(summary="List governance meetings"),
    retrieve=extend_schema(summary="Read a governance meeting"),
    create=extend_schema(summary="Record a governance meeting (staff editors)"),
)
class GovernanceMeetingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = serializers.GovernanceMeetingSerializer
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return (
            GovernanceMeeting.objects.visible_to(self.request.user)
            .select_related("partnership")
            .prefetch_related("attendees")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        partnership = data["partnership"]
        if not (self.request.user.is_staff_member and access.can_change(self.request.user, partnership)):
            raise PermissionDenied
        try:
            serializer.instance = governance.record_meeting(
                partnership,
                level=data["level"],
                held_on=data["held_on"],
                title=data["title"],
                attendees=data.get("attendees", []),
                decisions=data.get("decisions", ""),
                actions=data.get("actions", ""),
            )
        except ValidationError as exc:
            raise ApiValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc


@extend_schema_view(
    list=extend_schema(summary="List exchanges with partners"),
    retrieve=extend_schema(summary="Read an exchange with a partner"),
)
class InteractionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.InteractionSerializer
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return Interaction.objects.visible_to(self.request.user).select_related(
            "partnership", "partner_contact", "vendor_contact"
        )


def _health_json(result, history):
    return {
        "score": result.score,
        "components": [
            {
                "key": c.key,
                "label": str(c.label),
                "score": round(c.score, 3),
                "weight": c.weight,
                "reason": c.reason,
                "action": c.action,
            }
            for c in result.components
        ],
        "trend": [{"date": day.isoformat(), "score": value} for day, value in history],
    }


class PartnershipInsightsViewSet(viewsets.GenericViewSet):
    """Figures of one partnership the user may see (a partner: its own only)."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    serializer_class = serializers.HealthSerializer

    def get_queryset(self):
        return Partnership.objects.visible_to(self.request.user)

    @extend_schema(
        summary="Health score of a partnership, its checks and trend", responses=serializers.HealthSerializer
    )
    @action(detail=True)
    def health(self, request, uuid=None):
        partnership = self.get_object()
        return Response(_health_json(partnership_health(partnership), trend(partnership, limit=24)))

    @extend_schema(summary="Scorecard of a partnership (its own figures only)", responses=dict)
    @action(detail=True)
    def scorecard(self, request, uuid=None):
        card = scorecard(self.get_object(), timezone.localdate())
        return Response(
            {
                "health": _health_json(card["health"], card["trend"]),
                "currency": card["currency"],
                "revenue": _money(card["revenue"]),
                "objective": _money(card["objective"]),
                "open_deals": card["open_deals"],
                "won_deals": card["won_deals"],
                "certified_people": card["certified"],
                "nps": card["nps"].score,
                "nps_answers": card["nps"].responses,
                "integration_index": card["integration"]["index"],
            }
        )

    @extend_schema(
        summary="Integration index of a partnership: two-way contacts per department", responses=dict
    )
    @action(detail=True)
    def integration(self, request, uuid=None):
        partnership = self.get_object()
        index = integration.index_for(Partnership.objects.filter(pk=partnership.pk), timezone.localdate())[
            partnership.pk
        ]
        return Response(
            {
                "index": index["index"],
                "departments": {
                    key: {k: v for k, v in d.items() if k != "label"}
                    for key, d in index["departments"].items()
                },
            }
        )


def _require_staff(user):
    if not user.is_staff_member:
        raise PermissionDenied


class NetworkViewSet(viewsets.GenericViewSet):
    """The network dashboard's figures (staff only)."""

    serializer_class = serializers.SurveySerializer
    queryset = Survey.objects.none()

    @extend_schema(summary="Network dashboard figures", responses=dict)
    def list(self, request):
        _require_staff(request.user)
        figures = aggregates.network_figures(timezone.localdate())
        revenue = figures["revenue"]
        satisfaction = figures["satisfaction"]
        return Response(
            {
                "year": figures["year"],
                "currency": figures["currency"],
                "revenue": {
                    name: [
                        {"label": str(label), "revenue": _money(r), "objective": _money(o)}
                        for label, r, o in rows
                    ]
                    for name, rows in (revenue["rows"].items() if revenue else ())
                },
                "revenue_as_of": revenue["as_of"].isoformat() if revenue and revenue["as_of"] else None,
                "computed_at": figures["computed_at"].isoformat() if figures["computed_at"] else None,
                "pipeline": [
                    {"stage": str(label), "deals": n, "amount": _money(a)}
                    for label, n, a in figures["pipeline"]
                ],
                "certification_coverage": [
                    {"tier": str(label), "partners": total, "with_certified_people": covered}
                    for label, total, covered in figures["coverage"]
                ],
                "onboarding_journeys": {
                    **{key: figures["journeys"][key] for key in dashboard.JOURNEY_KEYS},
                    "median_completion_percent": None
                    if figures["journeys"]["median_percent"] is None
                    else float(figures["journeys"]["median_percent"]),
                },
                "health": {
                    "day": figures["health"]["day"].isoformat() if figures["health"]["day"] else None,
                    "bands": [{"band": band, "partnerships": n} for band, n in figures["health"]["bands"]],
                    "low": [
                        {"partnership": str(s.partnership.uuid), "name": s.partnership.name, "score": s.score}
                        for s in figures["health"]["low"]
                    ],
                },
                "recruitment_funnel": [
                    {"stage": str(label), "candidates": n} for label, n in figures["funnel"]
                ],
                "funds_roi": [
                    {
                        "activity_type": str(kind),
                        "currency": roi_currency,
                        "cost": _money(value.cost),
                        "deals_attributed": value.leads,
                        "deals_won": value.won,
                        "revenue_won": _money(value.revenue),
                        "revenue_per_unit_spent": None
                        if value.revenue_per_euro is None
                        else _money(value.revenue_per_euro),
                    }
                    for kind, roi_currency, value in figures["roi"]
                ],
                "satisfaction": {
                    "survey": str(figures["survey"].uuid) if figures["survey"] else None,
                    "nps": satisfaction["nps"].score if satisfaction else None,
                    "per_tier": [
                        {"tier": str(tier), "nps": nps.score, "answers": nps.responses}
                        for tier, nps in (satisfaction["per_tier"] if satisfaction else [])
                    ],
                },
            }
        )


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Surveys and their results (staff only: partner users see none)."""

    serializer_class = serializers.SurveySerializer
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return Survey.objects.visible_to(self.request.user)

    @extend_schema(
        summary="Results of a survey: NPS overall, per tier, per partner, per question", responses=dict
    )
    @action(detail=True)
    def results(self, request, uuid=None):
        survey = self.get_object()
        result = surveys.results(survey)
        return Response(
            {
                "invited": result["invited"],
                "answered": result["answered"],
                "nps": result["nps"].score,
                "per_tier": [
                    {"tier": str(t), "nps": n.score, "answers": n.responses} for t, n in result["per_tier"]
                ],
                "per_partner": [
                    {"partnership": name, "nps": n.score, "answers": n.responses}
                    for name, n in result["per_partner"]
                ],
                "questions": [
                    {
                        "question": row["question"].text,
                        "kind": row["question"].kind,
                        "answers": row["answers"],
                        "average": row["average"],
                    }
                    for row in result["questions"]
                ],
            }
        )
