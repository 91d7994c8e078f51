"""API of tier rule versions: the history of each tier's rules (operator staff only), and the versions
scheduled for a future date (created, changed, simulated and deleted through ``rule_versions``, with the
same refusals as the pages: a version in force or past is never changed nor deleted)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from meute.core.api.serializers import by_uuid
from meute.lib.api_errors import workflow_caller
from meute.lib.api_views import VisibleModelViewSet
from meute.programs import rule_versions
from meute.programs.models import Tier, TierRuleVersion

from .serializers import TIMESTAMPS, SimulationResultSerializer, simulation_data

call = workflow_caller(conflict_codes={"version_in_force", "version_past"})


class ChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class TierRuleVersionSerializer(serializers.Serializer):
    """A version's requirements and benefits, with the fields of a tier (as for creating one)."""

    uuid = serializers.UUIDField(read_only=True)
    tier = by_uuid(Tier)
    tier_name = serializers.CharField(source="tier.name", read_only=True)
    program = serializers.UUIDField(source="tier.program.uuid", read_only=True)
    effective_from = serializers.DateField(help_text=_("A date after today for a new or changed version."))
    status = serializers.SerializerMethodField(
        help_text=_("past, current (in force today) or scheduled (may still change).")
    )
    min_revenue = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, allow_null=True, required=False
    )
    min_certified = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text=_('Certified people needed per role, e.g. {"sales": 3, "consultant": 2}.'),
    )
    min_won_deals = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    min_satisfaction = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=10, allow_null=True, required=False
    )
    custom_thresholds = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True),
        required=False,
        help_text=_("Metric code → minimum total over the evaluation period."),
    )
    margin_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    mdf_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    protection_days = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    lead_weight = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    locator_listing = serializers.BooleanField(required=False)
    labels = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    changes = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    class Flat:
        """A version read with the tier's field names."""

        def __init__(self, version):
            self.version = version
            for name in ("uuid", "tier", "effective_from", *TIMESTAMPS):
                setattr(self, name, getattr(version, name))
            self.__dict__.update(version.rule_values())

    def _versions_of(self, tier_id) -> list:
        cache = self.context.setdefault("versions_by_tier", {})
        if tier_id not in cache:
            cache[tier_id] = list(TierRuleVersion.objects.filter(tier_id=tier_id).order_by("effective_from"))
        return cache[tier_id]

    def to_representation(self, instance):
        return super().to_representation(self.Flat(instance))

    def get_status(self, flat) -> str:
        versions = self._versions_of(flat.version.tier_id)
        return rule_versions._statuses(versions, timezone.localdate()).get(
            flat.version.pk, rule_versions.SCHEDULED
        )

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, flat) -> list[dict]:
        versions = self._versions_of(flat.version.tier_id)
        earlier = [v for v in versions if v.effective_from < flat.version.effective_from]
        if not earlier:
            return []
        previous = earlier[-1]
        found = rule_versions.changes(
            (previous.requirements, previous.benefits),
            (flat.version.requirements, flat.version.benefits),
            flat.version.tier.program.currency,
        )
        return [{"label": c.label, "before": c.before, "after": c.after} for c in found]

    def validate(self, attrs):
        if self.instance is not None and "tier" in attrs and attrs["tier"] != self.instance.tier:
            raise serializers.ValidationError({"tier": [_("A version cannot move to another tier.")]})
        if "custom_thresholds" in attrs:
            attrs["custom_thresholds"] = {k: str(v) for k, v in attrs["custom_thresholds"].items()}
        return attrs

    def rule_values(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in rule_versions.RULE_FIELDS}


class SimulateVersionSerializer(TierRuleVersionSerializer):
    version = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=TierRuleVersion.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The scheduled version these rules would replace (to simulate a change to it)."),
    )


class TierRuleVersionFilter(django_filters.FilterSet):
    tier = django_filters.UUIDFilter(field_name="tier__uuid")
    program = django_filters.UUIDFilter(field_name="tier__program__uuid")
    scheduled = django_filters.BooleanFilter(method="filter_scheduled", label=_("Scheduled after today"))

    class Meta:
        model = TierRuleVersion
        fields = ["tier", "program", "scheduled"]

    def filter_scheduled(self, queryset, name, value):
        today = timezone.localdate()
        return (
            queryset.filter(effective_from__gt=today) if value else queryset.filter(effective_from__lte=today)
        )


@extend_schema_view(
    list=extend_schema(
        summary="List tier rule versions",
        description="Every version of every tier's requirements and benefits, with its status (past, "
        "current, scheduled) and what it changed. Operator staff only: partner users are refused (403).",
    ),
    retrieve=extend_schema(summary="Read a tier rule version"),
    create=extend_schema(
        summary="Schedule a tier rule version",
        description="New requirements and benefits of a tier from a date after today. Fields left out keep "
        "the rules in force on that date. Refused (400) when the rules would make a higher tier easier than "
        "a lower one on that date or any later one, or when they change nothing.",
    ),
    update=extend_schema(
        summary="Replace a scheduled tier rule version",
        description="Only before its date: a version in force or past is refused with 409 "
        "(code `version_in_force` or `version_past`).",
    ),
    partial_update=extend_schema(
        summary="Update a scheduled tier rule version",
        description="Only before its date: a version in force or past is refused with 409 "
        "(code `version_in_force` or `version_past`).",
    ),
    destroy=extend_schema(
        summary="Delete a scheduled tier rule version",
        description="Only before its date: a version in force or past is refused with 409 "
        "(code `version_in_force` or `version_past`).",
    ),
)
class TierRuleVersionViewSet(VisibleModelViewSet):
    model = TierRuleVersion
    serializer_class = TierRuleVersionSerializer
    select_related = ("tier", "tier__program")
    filterset_class = TierRuleVersionFilter
    ordering_fields = ["effective_from", "created_at"]

    def check_permissions(self, request):
        super().check_permissions(request)
        if not request.user.is_staff_member:
            self.permission_denied(request)

    def get_queryset(self):
        return super().get_queryset().order_by("tier__program_id", "tier__rank", "effective_from")

    def perform_create(self, serializer):
        data = serializer.validated_data
        with self._actor():
            serializer.instance = call(
                rule_versions.schedule_version, data["tier"], data["effective_from"], serializer.rule_values()
            )

    def perform_update(self, serializer):
        data = serializer.validated_data
        with self._actor():
            serializer.instance = call(
                rule_versions.update_scheduled_version,
                serializer.instance,
                data.get("effective_from"),
                serializer.rule_values(),
            )

    def perform_destroy(self, instance):
        with self._actor():
            call(rule_versions.delete_scheduled_version, instance)

    @extend_schema(
        summary="What-if: simulate a scheduled tier rule version",
        description="Today's figures of every member under the rules as they would be on `effective_from` "
        "with this version (or with the change to `version`), against the rules in force today: who would "
        "move up or down, and the change in margin and MDF. Nothing is written. Operator staff only.",
        request=SimulateVersionSerializer,
        responses=SimulationResultSerializer,
    )
    @action(detail=False, methods=["post"])
    def simulate(self, request):
        payload = SimulateVersionSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        version = data.get("version")
        if version is not None and version.tier_id != data["tier"].pk:
            raise serializers.ValidationError({"version": [_("This version belongs to another tier.")]})
        result = call(
            rule_versions.simulate_version,
            data["tier"],
            data["effective_from"],
            payload.rule_values(),
            version=version,
        )
        return Response(simulation_data(result))


def register(router):
    router.register("tier-rule-versions", TierRuleVersionViewSet, basename="tierruleversion")
