"""Payouts API: remuneration rule versions, payouts (filters, status actions, compute) and statements.

Rows come from ``visible_to``: a partner user reads the rules of its own partnerships and its own
organisation's payouts only. Rules are written by the operator's editors and a grouping's coordinator;
payout statuses and computing by the operator's editors. Refusals use the API's one error format.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from meute.core.models import Organization
from meute.deals.choices import DealPartyRole
from meute.lib.api_serializers import VisibleSlugRelatedField
from meute.lib.api_views import UUID_PATTERN
from meute.partnerships.models import Partnership
from meute.remuneration import payouts, periods, rule_versions, statements
from meute.remuneration.choices import Basis, PayoutStatus, RuleKind, SalesStep, WeightSource
from meute.remuneration.models import Payout, RemunerationVersion


def _django_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError({"non_field_errors": exc.messages})


class SignedIn(permissions.BasePermission):
    """Any active signed-in user; what they may write is decided by ``meute.remuneration.payouts``."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


class StepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=SalesStep.choices)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class RuleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    basis = serializers.ChoiceField(choices=Basis.choices, default=Basis.AMOUNT)
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    fixed_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    party_role = serializers.ChoiceField(
        choices=DealPartyRole.choices, required=False, allow_blank=True, default=""
    )
    steps = StepSerializer(many=True, required=False, default=list)
    weight_source = serializers.ChoiceField(choices=WeightSource.choices, default=WeightSource.INVOLVEMENT)
    weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=4),
        required=False,
        default=dict,
        help_text="Explicit pool weights by member organisation UUID.",
    )


def _following_versions():
    """Start dates of versions, earliest first (the next version's start ends a version)."""
    return RemunerationVersion.objects.order_by("valid_from").values_list("valid_from", flat=True)


class VersionSerializer(serializers.ModelSerializer):
    partnership = VisibleSlugRelatedField(slug_field="uuid", queryset=Partnership.objects.all())
    rules = RuleSerializer(many=True)
    in_force_until = serializers.SerializerMethodField()

    class Meta:
        model = RemunerationVersion
        fields = [
            "uuid",
            "partnership",
            "valid_from",
            "in_force_until",
            "referral_min_rate",
            "referral_max_rate",
            "notes",
            "rules",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]

    def get_in_force_until(self, obj) -> str | None:
        if hasattr(obj, "next_valid_from"):  # annotated by the list (one query for the page)
            following = obj.next_valid_from
        else:
            following = (
                _following_versions()
                .filter(partnership_id=obj.partnership_id, valid_from__gt=obj.valid_from)
                .first()
            )
        return following.isoformat() if following else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["rules"] = [RuleSerializer(rule_versions.rule_data(rule)).data for rule in instance.rules.all()]
        return data


@extend_schema(tags=["payouts"])
class RemunerationVersionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Effective-dated remuneration rule versions of a partnership (filter with ``?partnership=<uuid>``)."""

    serializer_class = VersionSerializer
    permission_classes = [SignedIn]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        queryset = (
            RemunerationVersion.objects.visible_to(self.request.user)
            .select_related("partnership")
            .prefetch_related("rules")
            .annotate(
                next_valid_from=Subquery(
                    _following_versions().filter(
                        partnership_id=OuterRef("partnership_id"), valid_from__gt=OuterRef("valid_from")
                    )[:1]
                )
            )
            .order_by("partnership__name", "-valid_from")
        )
        partnership = self.request.query_params.get("partnership")
        if partnership:
            try:
                queryset = queryset.filter(partnership__uuid=partnership)
            except DjangoValidationError as exc:
                raise ValidationError({"partnership": [str(m) for m in exc.messages]}) from exc
        return queryset

    def _save(self, serializer, version=None):
        data = serializer.validated_data
        partnership = version.partnership if version is not None else data["partnership"]
        if not rule_versions.can_manage_rules(self.request.user, partnership):
            raise PermissionDenied
        rules = [
            dict(rule, steps=[{"step": s["step"], "percent": s["percent"]} for s in rule.get("steps", [])])
            for rule in data["rules"]
        ]
        # A version keeps its own referral range unless the request gives one: replacing its rules never
        # moves it to the default range (which could refuse the fees it already pays).
        lowest = version.referral_min_rate if version is not None else payouts.engine.DEFAULT_REFERRAL_MIN
        highest = version.referral_max_rate if version is not None else payouts.engine.DEFAULT_REFERRAL_MAX
        try:
            return rule_versions.save_version(
                partnership,
                valid_from=data["valid_from"],
                rules=rules,
                user=self.request.user,
                version=version,
                referral_min_rate=data.get("referral_min_rate", lowest),
                referral_max_rate=data.get("referral_max_rate", highest),
                notes=data.get("notes", ""),
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = self._save(serializer)
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        version = self.get_object()
        serializer = self.get_serializer(version, data=request.data)
        serializer.is_valid(raise_exception=True)
        version = self._save(serializer, version)
        return Response(self.get_serializer(version).data)

    def destroy(self, request, *args, **kwargs):
        version = self.get_object()
        try:
            rule_versions.delete_version(version, user=request.user)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class PayoutSerializer(serializers.ModelSerializer):
    deal = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    partnership = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    member = serializers.SlugRelatedField(source="organization", slug_field="uuid", read_only=True)
    member_name = serializers.CharField(source="organization.name", read_only=True)
    rule_version = serializers.SlugRelatedField(source="version", slug_field="uuid", read_only=True)
    explanation = serializers.SerializerMethodField()
    components = serializers.SerializerMethodField()
    status_changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Payout
        fields = [
            "uuid",
            "deal",
            "partnership",
            "member",
            "member_name",
            "deal_date",
            "amount",
            "currency",
            "status",
            "rule_version",
            "explanation",
            "components",
            "status_changed_by",
            "status_changed_at",
            "status_note",
        ]
        read_only_fields = fields

    def get_explanation(self, obj) -> list[str]:
        return payouts.explanation_of(obj).lines

    def get_components(self, obj) -> list[dict]:
        return payouts.explanation_of(obj).components


class StatusSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class BulkStatusSerializer(serializers.Serializer):
    payouts = serializers.ListField(child=serializers.UUIDField(), allow_empty=False)
    status = serializers.ChoiceField(choices=PayoutStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ComputeSerializer(serializers.Serializer):
    period = serializers.CharField()
    partnership = serializers.UUIDField(required=False, allow_null=True)
    dry_run = serializers.BooleanField(default=False)


PERIOD_PARAM = OpenApiParameter("period", str, description="2027, 2027-Q1 or 2027-03 (default: this quarter)")


def _period(params):
    try:
        return periods.parse_period(params["period"]) if params.get("period") else periods.current_period()
    except DjangoValidationError as exc:
        raise ValidationError({"period": exc.messages}) from exc


class StatementTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=PayoutStatus.choices)
    count = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=16, decimal_places=2)


class StatementSerializer(serializers.Serializer):
    """A member's payouts for a period, with their totals per currency and status."""

    member = serializers.UUIDField()
    member_name = serializers.CharField()
    siren = serializers.CharField()
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    payouts = PayoutSerializer(many=True)
    totals = StatementTotalSerializer(many=True)
    grand_totals = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        help_text="Sum of the payouts per currency code.",
    )


@extend_schema(tags=["payouts"])
class PayoutViewSet(viewsets.ReadOnlyModelViewSet):
    """Payouts of won deals. Filters: ``period``, ``partnership``, ``member`` (UUIDs), ``status``."""

    serializer_class = PayoutSerializer
    permission_classes = [SignedIn]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        queryset = Payout.objects.visible_to(self.request.user).select_related(
            "deal", "partnership", "organization", "version", "status_changed_by"
        )
        if self.action != "list":
            return queryset
        params = self.request.query_params
        period = _period(params)
        queryset = queryset.filter(deal_date__gte=period.start, deal_date__lt=period.end)
        try:
            if params.get("partnership"):
                queryset = queryset.filter(partnership__uuid=params["partnership"])
            if params.get("member"):
                queryset = queryset.filter(organization__uuid=params["member"])
        except DjangoValidationError as exc:
            raise ValidationError({"non_field_errors": exc.messages}) from exc
        if params.get("status"):
            if params["status"] not in PayoutStatus.values:
                raise ValidationError(
                    {"status": [_("Unknown status “%(status)s”.") % {"status": params["status"]}]}
                )
            queryset = queryset.filter(status=params["status"])
        return queryset.order_by("-deal_date", "pk")

    @extend_schema(parameters=[PERIOD_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        payouts.explain(page if page is not None else [])
        return page

    def _change(self, request, new_status):
        payout = self.get_object()
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not rule_versions.can_change_status(request.user):
            raise PermissionDenied
        try:
            payouts.change_status(
                [payout], new_status, user=request.user, note=serializer.validated_data["note"]
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return Response(PayoutSerializer(self.get_queryset().get(pk=payout.pk)).data)

    @extend_schema(request=StatusSerializer, responses=PayoutSerializer, summary="Approve a payout")
    @action(detail=True, methods=["post"])
    def approve(self, request, uuid=None):
        return self._change(request, PayoutStatus.APPROVED)

    @extend_schema(request=StatusSerializer, responses=PayoutSerializer, summary="Mark a payout as paid")
    @action(detail=True, methods=["post"])
    def pay(self, request, uuid=None):
        return self._change(request, PayoutStatus.PAID)

    @extend_schema(request=StatusSerializer, responses=PayoutSerializer, summary="Put a payout on hold")
    @action(detail=True, methods=["post"])
    def hold(self, request, uuid=None):
        return self._change(request, PayoutStatus.ON_HOLD)

    @extend_schema(request=StatusSerializer, responses=PayoutSerializer, summary="Release a held payout")
    @action(detail=True, methods=["post"])
    def release(self, request, uuid=None):
        return self._change(request, PayoutStatus.COMPUTED)

    @extend_schema(request=BulkStatusSerializer, summary="Change the status of several payouts (all or none)")
    @action(detail=False, methods=["post"], url_path="status")
    def bulk_status(self, request):
        if not rule_versions.can_change_status(request.user):
            raise PermissionDenied
        serializer = BulkStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wanted = set(serializer.validated_data["payouts"])
        rows = list(Payout.objects.visible_to(request.user).filter(uuid__in=wanted))
        if len(rows) != len(wanted):
            raise NotFound
        try:
            count = payouts.change_status(
                rows,
                serializer.validated_data["status"],
                user=request.user,
                note=serializer.validated_data["note"],
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return Response({"changed": count})

    @extend_schema(request=ComputeSerializer, summary="Compute the payouts of a period")
    @action(detail=False, methods=["post"])
    def compute(self, request):
        if not rule_versions.can_change_status(request.user):
            raise PermissionDenied
        serializer = ComputeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = _period(serializer.validated_data)
        partnership = None
        if serializer.validated_data.get("partnership"):
            partnership = (
                Partnership.objects.visible_to(request.user)
                .filter(uuid=serializer.validated_data["partnership"])
                .first()
            )
            if partnership is None:
                raise NotFound
        result = payouts.compute_payouts(
            period, partnership=partnership, dry_run=serializer.validated_data["dry_run"], user=request.user
        )
        return Response(
            {
                "period": period.label,
                "dry_run": result.dry_run,
                "deals": result.deals,
                "deals_without_rules": result.deals_without_rules,
                "payouts": result.payouts,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "kept": result.kept,
                "removed": result.removed,
                "total": str(result.total),
                "warnings": result.warning_lines(),
            }
        )

    @extend_schema(
        parameters=[PERIOD_PARAM, OpenApiParameter("member", str, description="Member UUID (staff only)")],
        summary="A member's statement for a period",
        responses={200: StatementSerializer},
    )
    @action(detail=False, methods=["get"])
    def statement(self, request):
        user = request.user
        period = _period(request.query_params)
        member = request.query_params.get("member")
        if user.is_partner_user:
            organization = user.organization
            if member and member != str(organization.uuid):
                raise NotFound
        else:
            if not member:
                raise ValidationError({"member": [_("Give the member's UUID.")]})
            try:
                organization = Organization.objects.filter(uuid=member).first()
            except DjangoValidationError as exc:
                raise NotFound from exc
            if organization is None:
                raise NotFound
        result = statements.statement(organization, period, user=user)
        return Response(
            {
                "member": str(organization.uuid),
                "member_name": organization.name,
                "siren": organization.siren,
                "period": period.label,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "payouts": PayoutSerializer(result.payouts, many=True).data,
                "totals": [
                    {
                        "currency": r["currency"],
                        "status": r["status"],
                        "count": r["count"],
                        "total": str(r["total"]),
                    }
                    for r in result.totals
                ],
                "grand_totals": {currency: str(total) for currency, total in result.grand_totals.items()},
            }
        )
