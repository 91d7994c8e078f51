from auditlog.context import set_actor
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from meute.lib import access
from meute.lib.api_errors import Conflict, error_responses, workflow_caller
from meute.lib.api_views import VisibleModelViewSet, crud_schema
from meute.programs import figures, plans, rule_versions
from meute.programs.choices import FigureStatus, RevenueSource
from meute.programs.evaluation import (
    approve_change,
    program_tier_rules,
    reject_change,
    run_evaluation,
    simulate,
)
from meute.programs.filters import PartnerMetricFilter, RevenueFilter
from meute.programs.models import (
    Ambassador,
    BusinessPlan,
    Objective,
    PartnerMetric,
    PartnerTier,
    Program,
    ProgramCost,
    ProgramPartnerType,
    RevenueRecord,
    Tier,
    TierChange,
)
from meute.programs.standing import standing_of

from . import serializers


@crud_schema("partner programmes", "a partner programme", "Programmes are published to every signed-in user.")
class ProgramViewSet(VisibleModelViewSet):
    model = Program
    serializer_class = serializers.ProgramSerializer
    filterset_fields = ["code", "is_active"]

    @extend_schema(
        summary="Evaluate every member of a programme",
        description="Runs the tier engine over all members (set-based). With `apply` (default) "
        "promotions and demotions are recorded as proposals, applied at once when the programme "
        "applies changes automatically. Refused with 409 (code `no_tiers`) when the programme has no tiers.",
        request=serializers.EvaluateSerializer,
        responses=serializers.EvaluationResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request, uuid=None):
        program = self.get_object()
        payload = serializers.EvaluateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        write = payload.validated_data["apply"]
        if write and not access.can_change(request.user, program):
            raise PermissionDenied
        if not request.user.is_staff_member:
            raise PermissionDenied
        try:
            with set_actor(request.user):
                summary = run_evaluation(
                    program, payload.validated_data.get("as_of"), write=write, actor=request.user
                )
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages), code="no_tiers") from exc
        conversion = summary.conversion
        return Response(
            {
                "evaluated": len(summary.outcomes),
                "promotions": summary.count("promote"),
                "demotions": summary.count("demote"),
                "grace": summary.count("grace_started") + summary.count("grace_running"),
                "pending": summary.count("pending"),
                "written": write,
                "converted_records": conversion.converted,
                "unconverted_records": conversion.missing_records,
                "unconverted": dict(sorted(conversion.missing.items())),
                "messages": conversion.lines(),
            }
        )


@crud_schema("admitted partner types", "an admitted partner type")
class ProgramPartnerTypeViewSet(VisibleModelViewSet):
    model = ProgramPartnerType
    serializer_class = serializers.ProgramPartnerTypeSerializer
    select_related = ("program",)
    filterset_fields = ["partner_type"]


@crud_schema("programme costs", "a programme cost", "Operator staff only: partner users see none.")
class ProgramCostViewSet(VisibleModelViewSet):
    model = ProgramCost
    serializer_class = serializers.ProgramCostSerializer
    select_related = ("program",)
    filterset_fields = ["year", "category"]


@crud_schema(
    "tiers",
    "a tier",
    "Requirements and benefits per tier. "
    "A higher tier easier than a lower one is refused with an explanation.",
)
class TierViewSet(VisibleModelViewSet):
    model = Tier
    serializer_class = serializers.TierSerializer
    select_related = ("program",)
    filterset_fields = ["rank"]

    def get_object(self):
        # The rules in force today (a scheduled version may have taken over since the tier was saved).
        tier = super().get_object()
        rule_versions.load_rules_in_force(tier)
        return tier

    @extend_schema(
        summary="What-if: simulate a tier rule change",
        description="Evaluates every member with the proposed rules (a new or edited tier, or a tier "
        "removed) against the rules in force: who would move up or down, and the change in margin and MDF "
        "on their revenue. Nothing is written. Staff only. A proposal that makes a higher tier easier "
        "than a lower one is refused with the explanation.",
        request=serializers.SimulationRequestSerializer,
        responses=serializers.SimulationResultSerializer,
    )
    @action(detail=False, methods=["post"])
    def simulate(self, request):
        if not request.user.is_staff_member:
            raise PermissionDenied
        payload = serializers.SimulationRequestSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        program, replaced = payload.validated_data["program"], payload.validated_data.get("replaces")
        proposed = None
        if payload.validated_data.get("tier"):
            tier_data = {**payload.validated_data["tier"], "program": str(program.uuid)}
            tier = serializers.TierSerializer(instance=replaced, data=tier_data, context={"request": request})
            if not tier.is_valid():
                raise ValidationError({"tier": tier.errors})
            proposed = Tier(pk=replaced.pk if replaced else None, program=program)
            for name, value in tier.validated_data.items():
                setattr(proposed, name, value)
        try:
            rules = program_tier_rules(
                program, replacing=proposed, removing=payload.validated_data.get("removes")
            )
            result = simulate(program, rules, payload.validated_data.get("as_of"))
        except DjangoValidationError as exc:
            raise ValidationError({"tier": exc.messages}) from exc
        return Response(serializers.simulation_data(result))


@crud_schema(
    "partner tiers",
    "a partner tier",
    "Membership of a partnership in a programme and the tier it holds. The tier itself changes through "
    "tier changes (evaluation, approval). Partner users see their own.",
)
class PartnerTierViewSet(VisibleModelViewSet):
    model = PartnerTier
    serializer_class = serializers.PartnerTierSerializer
    select_related = ("partnership", "program", "tier")
    filterset_fields = ["partner_type"]

    @extend_schema(
        summary="Where a partner stands in the programme",
        description="The tier held, the tier the current figures earn, each requirement of the next tier "
        "(met or what is missing), and the programme's next scheduled change of its tier rules with the "
        "tier the current figures would earn then. Partner users read their own.",
        request=None,
        responses=serializers.StandingSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def standing(self, request, uuid=None):
        return Response(serializers.StandingSerializer(standing_of(self.get_object()).as_json()).data)


class TierChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tier change proposals and history, with the evidence used. Partner users see their own."""

    serializer_class = serializers.TierChangeSerializer
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return TierChange.objects.visible_to(self.request.user).select_related(
            "partnership", "program", "from_tier", "to_tier", "decided_by"
        )

    def _decide(self, request, decide):
        change = self.get_object()
        if not access.can_change(request.user, change):
            raise PermissionDenied
        payload = serializers.DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            with set_actor(request.user):
                change = decide(change, request.user, payload.validated_data.get("note", ""))
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages), code="already_decided") from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=change.pk)).data)

    @extend_schema(
        summary="List tier changes",
        description="Proposals (status `proposed`) and the history of applied, rejected and superseded "
        "changes.",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read a tier change with its evidence")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Approve a proposed tier change",
        description="Applies the tier. 409 (code `already_decided`) when it was already decided.",
        request=serializers.DecisionSerializer,
        responses=serializers.TierChangeSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, uuid=None):
        return self._decide(request, approve_change)

    @extend_schema(
        summary="Reject a proposed tier change",
        description="The partner keeps its tier. 409 (code `already_decided`) when it was already decided.",
        request=serializers.DecisionSerializer,
        responses=serializers.TierChangeSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, uuid=None):
        return self._decide(request, reject_change)


@crud_schema(
    "revenue records",
    "a revenue record",
    "What partners sold. Negative amounts must be credit notes; currencies are ISO 4217 codes. Partner users "
    "see and report their own partnerships' revenue (source `partner_report`).",
)
class RevenueRecordViewSet(VisibleModelViewSet):
    model = RevenueRecord
    serializer_class = serializers.RevenueRecordSerializer
    select_related = ("partnership", "product_line")
    filterset_class = RevenueFilter

    def perform_create(self, serializer):
        user = self.request.user
        source = RevenueSource.API if user.is_staff_member else RevenueSource.PARTNER_REPORT
        if user.is_partner_user or "source" not in serializer.validated_data:
            serializer.validated_data["source"] = source
        chosen = serializer.validated_data.pop("status", None)
        record = figures.stamp_declaration(RevenueRecord(**serializer.validated_data), user)
        if chosen is not None:  # staff only: the rights table refuses it to partner users
            record.status = chosen
        serializer.validated_data.update(
            {
                name: getattr(record, name)
                for name in ("status", "declared_by", "declared_at", "verified_by", "verified_at")
            },
            verification_note=record.verification_note,
        )
        super().perform_create(serializer)

    def _decide(self, request, decide):
        if not figures.can_verify(request.user):
            raise PermissionDenied
        payload = serializers.FigureDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        wanted = set(payload.validated_data["records"])
        found = list(self.get_queryset().filter(uuid__in=wanted))
        if len(found) != len(wanted):
            raise ValidationError({"records": [_("Unknown revenue record.")]})
        call = workflow_caller(conflict_codes={"already_decided"})
        if decide is figures.reject:
            count = call(decide, found, request.user, payload.validated_data.get("reason", ""))
        else:
            count = call(decide, found, request.user)
        status = FigureStatus.REJECTED if decide is figures.reject else FigureStatus.VERIFIED
        return Response({"decided": count, "status": status})

    @extend_schema(
        summary="Verify declared revenue records",
        description="Declared → verified, all or none: from now on they count toward tiers, labels and "
        "plans. Staff editors only (403). 409 (code `already_decided`) when one of them is not declared.",
        request=serializers.FigureDecisionSerializer,
        responses={
            200: serializers.FigureDecisionResultSerializer,
            **error_responses(r403="Not a staff editor.", r409="A record is not declared (already decided)."),
        },
    )
    @action(detail=False, methods=["post"])
    def verify(self, request):
        return self._decide(request, figures.verify)

    @extend_schema(
        summary="Reject declared revenue records",
        description="Declared → rejected with a reason the partner reads; they never count. Staff editors "
        "only (403). 409 (code `already_decided`) when one of them is not declared.",
        request=serializers.FigureDecisionSerializer,
        responses={
            200: serializers.FigureDecisionResultSerializer,
            **error_responses(r403="Not a staff editor.", r409="A record is not declared (already decided)."),
        },
    )
    @action(detail=False, methods=["post"])
    def reject(self, request):
        return self._decide(request, figures.reject)


@crud_schema("partner metrics", "a partner metric", "Won deals, satisfaction scores and custom metrics.")
class PartnerMetricViewSet(VisibleModelViewSet):
    model = PartnerMetric
    serializer_class = serializers.PartnerMetricSerializer
    select_related = ("partnership",)
    filterset_class = PartnerMetricFilter


@crud_schema(
    "business plans",
    "a business plan",
    "One plan per partnership, with versions and quarterly objectives. Partner users see their own.",
)
class BusinessPlanViewSet(VisibleModelViewSet):
    model = BusinessPlan
    serializer_class = serializers.BusinessPlanSerializer
    select_related = ("partnership",)
    filterset_fields = ["status"]

    @extend_schema(
        summary="Objectives of a plan version with their actuals",
        parameters=[OpenApiParameter("version", int, description="Version number (default: current).")],
        responses=serializers.ObjectiveActualSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def actuals(self, request, uuid=None):
        plan = self.get_object()
        versions = plan.versions.order_by("-number")
        requested = request.query_params.get("version")
        version = (
            versions.filter(number=requested).first()
            if requested and requested.isdigit()
            else versions.first()
        )
        rows = plans.objective_rows(version) if version else []
        return Response(serializers.ObjectiveActualSerializer(rows, many=True).data)

    @extend_schema(
        summary="Start a new version of a plan",
        description="Copies the current objectives into a new version; older versions are kept.",
        request=serializers.NewVersionSerializer,
        responses=serializers.BusinessPlanSerializer,
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, uuid=None):
        plan = self.get_object()
        payload = serializers.NewVersionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with set_actor(request.user):
            plans.new_version(plan, note=payload.validated_data.get("note", ""), user=request.user)
        return Response(self.get_serializer(plan).data)


@crud_schema(
    "business plan objectives",
    "a business plan objective",
    "Objectives of every version; new objectives are added to the plan's current version.",
)
class ObjectiveViewSet(VisibleModelViewSet):
    model = Objective
    serializer_class = serializers.ObjectiveSerializer
    select_related = ("version",)
    filterset_fields = ["kind", "year", "quarter"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method == "POST" and not request.user.can_edit_all:
            self.permission_denied(request, message=_("You may not change business plans."))


@crud_schema("ambassadors", "an ambassador", "Partner users see the ambassadors of their markets.")
class AmbassadorViewSet(VisibleModelViewSet):
    model = Ambassador
    serializer_class = serializers.AmbassadorSerializer
    select_related = ("user", "territory", "program")
    filterset_fields = ["is_active"]
