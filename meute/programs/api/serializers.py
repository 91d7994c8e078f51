from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from meute.core.api.serializers import by_code, by_uuid
from meute.core.choices import UserRole
from meute.core.models import ProductLine, Territory
from meute.lib.api_serializers import (
    TIMESTAMPS,
    ModelValidatedSerializer,
    api_errors_from_django,
    drf_validation_error,
)
from meute.partnerships.models import Partnership
from meute.programs import plans, rule_versions
from meute.programs.choices import FigureStatus
from meute.programs.evaluation import benefit_warnings
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


class ProgramSerializer(ModelValidatedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:program-detail", lookup_field="uuid")
    benefits = serializers.ListField(child=serializers.CharField(max_length=300), required=False)

    class Meta:
        model = Program
        fields = [
            "uuid",
            "url",
            "name",
            "code",
            "value_proposition",
            "benefits",
            "segmentation_rules",
            "currency",
            "revenue_target",
            "evaluation_months",
            "auto_apply",
            "demotion_grace_days",
            "tier_validity_days",
            "is_active",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []


class ProgramPartnerTypeSerializer(ModelValidatedSerializer):
    program = by_uuid(Program)
    constraint_fields = {"unique_program_partner_type": "partner_type"}

    class Meta:
        model = ProgramPartnerType
        fields = ["uuid", "program", "partner_type", "rights", "obligations", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []


class ProgramCostSerializer(ModelValidatedSerializer):
    program = by_uuid(Program)
    constraint_fields = {"unique_program_cost_per_year": "category"}

    class Meta:
        model = ProgramCost
        fields = ["uuid", "program", "year", "category", "amount", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []


class TierSerializer(ModelValidatedSerializer):
    program = by_uuid(Program)
    min_certified = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text=_('Certified people needed per role, e.g. {"sales": 3, "consultant": 2}.'),
    )
    custom_thresholds = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True),
        required=False,
        help_text=_("Metric code → minimum total over the evaluation period."),
    )
    labels = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    benefit_warnings = serializers.SerializerMethodField(
        help_text=_(
            "Benefits this tier grants less of than the tier below it, or the tier above grants less of than "
            "it (e.g. a Platinum margin under Gold's). Accepted, but rarely meant."
        )
    )
    constraint_fields = {"unique_tier_rank_per_program": "rank", "unique_tier_name_per_program": "name"}

    def get_benefit_warnings(self, tier) -> list[str]:
        # One look at the programme's tiers per programme, however many tiers are listed.
        cache = self.__dict__.setdefault("_warnings", {})
        if tier.program_id not in cache:
            cache[tier.program_id] = benefit_warnings(tier.program)
        return [w.message for w in cache[tier.program_id] if tier.name in (w.lower, w.higher)]

    class Meta:
        model = Tier
        fields = [
            "uuid",
            "program",
            "name",
            "rank",
            "description",
            "min_revenue",
            "min_certified",
            "min_won_deals",
            "min_satisfaction",
            "custom_thresholds",
            "margin_percent",
            "mdf_percent",
            "protection_days",
            "lead_weight",
            "locator_listing",
            "labels",
            "benefit_warnings",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []

    def validate(self, attrs):
        if "custom_thresholds" in attrs:
            attrs["custom_thresholds"] = {k: str(v) for k, v in attrs["custom_thresholds"].items()}
        if self.instance is not None and "program" in attrs and attrs["program"] != self.instance.program:
            raise serializers.ValidationError({"program": [_("A tier cannot move to another programme.")]})
        return super().validate(attrs)

    def validate_instance(self, instance) -> None:
        super().validate_instance(instance)
        try:
            rule_versions.check_tier_edit(instance)
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc


class PartnerTierSerializer(ModelValidatedSerializer):
    partnership = by_uuid(Partnership)
    program = by_uuid(Program)
    tier = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    tier_name = serializers.CharField(source="tier.name", read_only=True, allow_null=True)
    constraint_fields = {"unique_partner_tier_per_program": "partnership"}

    class Meta:
        model = PartnerTier
        fields = [
            "uuid",
            "partnership",
            "program",
            "partner_type",
            "tier",
            "tier_name",
            "valid_from",
            "valid_until",
            "grace_until",
            "last_evaluated",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", "valid_from", "valid_until", "grace_until", "last_evaluated", *TIMESTAMPS]
        validators = []

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("partnership", "program"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [_("Cannot be changed.")]})
        return super().validate(attrs)


class RequirementResultSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=_("revenue, certified:<role>, won_deals, satisfaction or metric:<code>")
    )
    required = serializers.JSONField()
    actual = serializers.JSONField()
    met = serializers.BooleanField()
    message = serializers.CharField(help_text=_("The requirement explained in a sentence."))


class RuleChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class TierAnnouncementSerializer(serializers.Serializer):
    tier = serializers.CharField()
    changes = RuleChangeSerializer(many=True)


class AnnouncementSerializer(serializers.Serializer):
    effective_from = serializers.DateField()
    tiers = TierAnnouncementSerializer(many=True, help_text=_("The tiers whose rules change on that date."))
    outlook_tier = serializers.CharField(
        allow_null=True, help_text=_("The tier the partner's current figures would earn under the new rules.")
    )


class WaitingSerializer(serializers.Serializer):
    records = serializers.IntegerField()
    totals = serializers.DictField(
        child=serializers.CharField(), help_text=_("Declared amount per currency.")
    )


class StandingSerializer(serializers.Serializer):
    tier = serializers.CharField(allow_null=True, help_text=_("The tier held."))
    eligible_tier = serializers.CharField(
        allow_null=True, help_text=_("The tier the current figures earn under the rules in force.")
    )
    next_tier = serializers.CharField(allow_null=True)
    waiting_for_verification = WaitingSerializer(
        help_text=_("Declared revenue of the evaluation period that counts only once staff verify it.")
    )
    next_tier_requirements = RequirementResultSerializer(many=True)
    announcement = AnnouncementSerializer(
        allow_null=True, help_text=_("The programme's next scheduled change of its tier rules, if any.")
    )


class TierChangeSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    program = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    from_tier = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    to_tier = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    from_tier_name = serializers.CharField(source="from_tier.name", read_only=True, allow_null=True)
    to_tier_name = serializers.CharField(source="to_tier.name", read_only=True, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)

    class Meta:
        model = TierChange
        fields = [
            "uuid",
            "partnership",
            "program",
            "from_tier",
            "from_tier_name",
            "to_tier",
            "to_tier_name",
            "kind",
            "status",
            "as_of",
            "evidence",
            "explanation",
            "decided_by",
            "decided_at",
            "decision_note",
            *TIMESTAMPS,
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class EvaluateSerializer(serializers.Serializer):
    apply = serializers.BooleanField(
        default=True,
        help_text=_("Record proposals (applied at once if the programme says so); false only reports."),
    )
    as_of = serializers.DateField(required=False, help_text=_("Evaluation date (default: today)."))


class SimulationRequestSerializer(serializers.Serializer):
    program = by_uuid(Program)
    replaces = by_uuid(
        Tier, required=False, allow_null=True, help_text=_("The tier the proposed one replaces (edit).")
    )
    removes = by_uuid(Tier, required=False, allow_null=True, help_text=_("A tier to simulate deleting."))
    tier = serializers.DictField(
        required=False,
        help_text=_("The proposed tier, with the fields of a tier (as for creating one)."),
    )
    as_of = serializers.DateField(required=False, help_text=_("Evaluation date (default: today)."))

    def validate(self, attrs):
        program = attrs["program"]
        for name in ("replaces", "removes"):
            tier = attrs.get(name)
            if tier is not None and tier.program_id != program.pk:
                raise serializers.ValidationError({name: [_("This tier belongs to another programme.")]})
        if not attrs.get("tier") and attrs.get("removes") is None:
            raise serializers.ValidationError({"tier": [_("Give the proposed tier, or the tier to remove.")]})
        if attrs.get("tier") and attrs.get("removes") is not None:
            raise serializers.ValidationError(
                {"removes": [_("Simulate one change at a time: a proposed tier or a removal.")]}
            )
        return attrs


class MoveSerializer(serializers.Serializer):
    partnership = serializers.UUIDField()
    name = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)
    direction = serializers.ChoiceField(choices=["up", "down"])


class SimulationResultSerializer(serializers.Serializer):
    evaluated = serializers.IntegerField()
    up = serializers.IntegerField()
    down = serializers.IntegerField()
    margin_before = serializers.DecimalField(max_digits=18, decimal_places=2)
    margin_after = serializers.DecimalField(max_digits=18, decimal_places=2)
    margin_delta = serializers.DecimalField(max_digits=18, decimal_places=2)
    mdf_before = serializers.DecimalField(max_digits=18, decimal_places=2)
    mdf_after = serializers.DecimalField(max_digits=18, decimal_places=2)
    mdf_delta = serializers.DecimalField(max_digits=18, decimal_places=2)
    moves = MoveSerializer(many=True)


def simulation_data(result) -> dict:
    """A what-if result as the API answers it: the partnerships that move are named by their uuid."""
    uuids = dict(
        Partnership.objects.filter(pk__in=[m.partnership_id for m in result.moves]).values_list("pk", "uuid")
    )
    moves = [
        {
            "partnership": uuids[m.partnership_id],
            "name": m.name,
            "before": m.before,
            "after": m.after,
            "direction": m.direction,
        }
        for m in result.moves
    ]
    fields = ("margin_before", "margin_after", "margin_delta", "mdf_before", "mdf_after", "mdf_delta")
    body = {"evaluated": result.evaluated, "up": result.up, "down": result.down, "moves": moves}
    body.update({name: getattr(result, name) for name in fields})
    return SimulationResultSerializer(body).data


class EvaluationResultSerializer(serializers.Serializer):
    evaluated = serializers.IntegerField()
    promotions = serializers.IntegerField()
    demotions = serializers.IntegerField()
    grace = serializers.IntegerField()
    pending = serializers.IntegerField()
    written = serializers.BooleanField()
    converted_records = serializers.IntegerField(
        help_text=_("Revenue records in another currency, counted converted into the programme's currency.")
    )
    unconverted_records = serializers.IntegerField(
        help_text=_("Revenue records not counted: their currency had no exchange rate in force.")
    )
    unconverted = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Records not counted, per currency.")
    )
    messages = serializers.ListField(
        child=serializers.CharField(), help_text=_("The conversion, said in sentences.")
    )


class RevenueRecordSerializer(ModelValidatedSerializer):
    partnership = by_uuid(Partnership)
    product_line = by_code(ProductLine, required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=FigureStatus.choices,
        required=False,
        help_text=_(
            "declared (a partner's report, not counted yet), verified (counts toward tiers, labels and "
            "plans) or rejected. Partner users cannot set it; staff change it with the verify and reject "
            "actions."
        ),
    )
    declared_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    constraint_fields = {"revenue_sign_matches_credit_note": "amount"}

    def validate_status(self, value):
        if self.instance is not None and value != self.instance.status:
            raise serializers.ValidationError(
                _("Use the verify or reject action to decide a declared figure.")
            )
        return value

    class Meta:
        model = RevenueRecord
        fields = [
            "uuid",
            "partnership",
            "period",
            "product_line",
            "customer_name",
            "amount",
            "currency",
            "is_credit_note",
            "source",
            "reference",
            "status",
            "declared_by",
            "declared_at",
            "verified_by",
            "verified_at",
            "verification_note",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", "declared_at", "verified_at", "verification_note", *TIMESTAMPS]
        validators = []


class FigureDecisionSerializer(serializers.Serializer):
    records = serializers.ListField(
        child=serializers.UUIDField(),
        min_length=1,
        max_length=1000,
        help_text=_("The declared records (uuid) decided together: all or none."),
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text=_("Required to reject.")
    )


class FigureDecisionResultSerializer(serializers.Serializer):
    decided = serializers.IntegerField()
    status = serializers.CharField()


class PartnerMetricSerializer(ModelValidatedSerializer):
    partnership = by_uuid(Partnership)
    constraint_fields = {"unique_partner_metric_per_period": "period"}

    class Meta:
        model = PartnerMetric
        fields = ["uuid", "partnership", "metric", "period", "value", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []


class BusinessPlanSerializer(ModelValidatedSerializer):
    partnership = by_uuid(Partnership)
    current_version = serializers.SerializerMethodField()
    constraint_fields = {"business_plan_dates_ordered": "target_contract_date"}

    class Meta:
        model = BusinessPlan
        fields = [
            "uuid",
            "partnership",
            "letter_of_intent_date",
            "target_contract_date",
            "status",
            "currency",
            "summary",
            "current_version",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []

    def get_current_version(self, plan) -> int | None:
        version = plan.current_version
        return version.number if version else None

    def validate(self, attrs):
        if (
            self.instance is not None
            and "partnership" in attrs
            and attrs["partnership"] != self.instance.partnership
        ):
            raise serializers.ValidationError({"partnership": [_("Cannot be changed.")]})
        if (
            self.instance is None
            and BusinessPlan.objects.filter(partnership=attrs.get("partnership")).exists()
        ):
            raise serializers.ValidationError(
                {"partnership": [_("This partnership already has a business plan.")]}
            )
        return super().validate(attrs)

    def create(self, validated_data):
        partnership = validated_data.pop("partnership")
        try:
            return plans.create_plan(partnership, user=self.context["request"].user, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(api_errors_from_django(exc)) from exc


class NewVersionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class ObjectiveSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=BusinessPlan.objects.all(),
        write_only=True,
        help_text=_("Business plan (uuid): the objective is added to its current version."),
    )
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Objective
        fields = ["uuid", "plan", "version", "year", "quarter", "kind", "metric", "target", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["plan"].queryset = BusinessPlan.objects.visible_to(request.user)
        return fields

    def create(self, validated_data):
        plan = validated_data.pop("plan")
        try:
            return plans.add_objective(plan.current_version, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(api_errors_from_django(exc)) from exc


class ObjectiveActualSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="objective.year")
    quarter = serializers.IntegerField(source="objective.quarter")
    kind = serializers.CharField(source="objective.kind")
    metric = serializers.CharField(source="objective.metric")
    target = serializers.DecimalField(source="objective.target", max_digits=16, decimal_places=2)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2)
    variance = serializers.DecimalField(max_digits=16, decimal_places=2)
    percent = serializers.IntegerField()
    status = serializers.CharField()
    unconverted_records = serializers.IntegerField(
        source="unconverted",
        help_text=_(
            "Revenue records of the quarter not counted: their currency had no exchange rate in force."
        ),
    )


class AmbassadorSerializer(ModelValidatedSerializer):
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.exclude(role=UserRole.PARTNER)
    )
    territory = by_code(Territory)
    program = by_uuid(Program, required=False, allow_null=True)
    name = serializers.CharField(source="display_name", read_only=True)
    email = serializers.CharField(read_only=True)
    constraint_fields = {
        "unique_ambassador_per_market_program": "territory",
        "unique_global_ambassador_per_market": "territory",
    }

    class Meta:
        model = Ambassador
        fields = [
            "uuid",
            "user",
            "name",
            "territory",
            "program",
            "message",
            "contact_email",
            "contact_phone",
            "email",
            "is_active",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []
