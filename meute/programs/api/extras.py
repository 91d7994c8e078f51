"""API of agreements and acceptances, ambassadors, labels and awards, locator profiles and enquiries."""

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from meute.core.api.serializers import by_code, by_uuid
from meute.core.choices import PartnerType, UserRole
from meute.core.models import Organization, Territory
from meute.lib import access
from meute.lib.api_errors import Conflict
from meute.lib.api_serializers import (
    TIMESTAMPS,
    ModelValidatedSerializer,
    drf_validation_error,
)
from meute.lib.api_views import VisibleModelViewSet, crud_schema
from meute.programs import labels
from meute.programs.models import (
    Ambassador,
    Enquiry,
    EnquiryStatus,
    Label,
    LabelAward,
    LabelKind,
    LocatorProfile,
    Program,
    Tier,
)

# --- agreements -----------------------------------------------------------------------------------------


# --- ambassadors ----------------------------------------------------------------------------------------


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


@crud_schema("ambassadors", "an ambassador", "Partner users see the ambassadors of their markets.")
class AmbassadorViewSet(VisibleModelViewSet):
    model = Ambassador
    serializer_class = AmbassadorSerializer
    select_related = ("user", "territory", "program")
    filterset_fields = ["is_active"]


# --- labels ---------------------------------------------------------------------------------------------


class LabelSerializer(ModelValidatedSerializer):
    program = by_uuid(Program, required=False, allow_null=True)
    min_tier = by_uuid(Tier, required=False, allow_null=True)
    regions = by_code(Territory, many=True, required=False)
    partner_types = serializers.ListField(
        child=serializers.ChoiceField(choices=PartnerType.choices), required=False
    )

    class Meta:
        model = Label
        fields = [
            "uuid",
            "name",
            "code",
            "description",
            "kind",
            "is_public",
            "validity_days",
            "program",
            "min_tier",
            "min_certified",
            "min_revenue",
            "partner_types",
            "regions",
            "last_evaluated",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", "last_evaluated", *TIMESTAMPS]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind = attrs.get("kind", getattr(self.instance, "kind", LabelKind.RULE))

        def value(name):
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        regions = (
            attrs["regions"]
            if "regions" in attrs
            else (list(self.instance.regions.all()) if self.instance else [])
        )
        if kind == LabelKind.RULE and not (
            value("min_tier")
            or value("min_certified") is not None
            or value("min_revenue") is not None
            or value("partner_types")
            or regions
        ):
            raise serializers.ValidationError(
                {"kind": [_("A label awarded by rule needs at least one criterion.")]}
            )
        return attrs


class LabelRunSerializer(serializers.Serializer):
    holders = serializers.IntegerField()
    awarded = serializers.IntegerField()
    renewed = serializers.IntegerField()
    removed = serializers.IntegerField()


@crud_schema("labels", "a label", "The labels catalogue is published to every signed-in user.")
class LabelViewSet(VisibleModelViewSet):
    model = Label
    serializer_class = LabelSerializer
    select_related = ("program", "min_tier")
    prefetch_related = ("regions",)
    filterset_fields = ["kind", "is_public", "code"]

    @extend_schema(
        summary="Evaluate a rule label over every partner",
        description="Awards the label to every partner meeting its criteria (with the reason), renews it "
        "for holders, removes it from the others. Refused with 409 for a hand label.",
        request=None,
        responses=LabelRunSerializer,
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request, uuid=None):
        label = self.get_object()
        if not (request.user.is_staff_member and access.can_change(request.user, label)):
            raise PermissionDenied
        try:
            with set_actor(request.user):
                run = labels.evaluate_label(label)
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages), code="not_evaluable") from exc
        return Response(
            {"holders": run.holders, "awarded": run.awarded, "renewed": run.renewed, "removed": run.removed}
        )


class LabelAwardSerializer(serializers.ModelSerializer):
    label = by_uuid(Label)
    organization = serializers.UUIDField(source="organization.uuid")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    awarded_by = serializers.CharField(source="awarded_by.username", read_only=True, default=None)

    class Meta:
        model = LabelAward
        fields = [
            "uuid",
            "label",
            "organization",
            "organization_name",
            "source",
            "reason",
            "evidence",
            "valid_from",
            "valid_until",
            "awarded_by",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", "source", "evidence", "valid_from", "awarded_by", *TIMESTAMPS]


class LabelAwardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Labels held by partners, with the reason. Partner users see their own organisation's awards only;
    staff award hand labels (create) and remove awards (delete)."""

    serializer_class = LabelAwardSerializer
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex
    filterset_fields = ["source"]

    def get_queryset(self):
        return LabelAward.objects.visible_to(self.request.user).select_related(
            "label", "organization", "awarded_by"
        )

    def create(self, request, *args, **kwargs):
        if not (request.user.is_staff_member and request.user.can_edit_all):
            raise PermissionDenied
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        organization = Organization.objects.filter(uuid=data["organization"]["uuid"]).first()
        if organization is None:
            raise serializers.ValidationError({"organization": [_("Unknown organisation.")]})
        try:
            with set_actor(request.user), transaction.atomic():
                award = labels.award_by_hand(
                    data["label"],
                    organization,
                    request.user,
                    reason=data.get("reason", ""),
                    valid_until=data.get("valid_until"),
                )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(award).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        if not (self.request.user.is_staff_member and self.request.user.can_edit_all):
            raise PermissionDenied
        with set_actor(self.request.user):
            instance.delete()


# --- locator profiles and enquiries ---------------------------------------------------------------------


class LocatorProfileSerializer(ModelValidatedSerializer):
    organization = serializers.UUIDField(source="organization.uuid", read_only=True)

    class Meta:
        model = LocatorProfile
        fields = ["uuid", "organization", "opt_in", "public_description", *TIMESTAMPS]
        read_only_fields = ["uuid", "organization", *TIMESTAMPS]


class LocatorProfileViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Opt-in to the public partner locator. A partner user reads and changes its organisation's profile
    (``/mine/`` creates it on first use); staff read all."""

    serializer_class = LocatorProfileSerializer
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex

    def get_queryset(self):
        return LocatorProfile.objects.visible_to(self.request.user).select_related("organization")

    @extend_schema(
        summary="Read or change your organisation's locator profile", request=LocatorProfileSerializer
    )
    @action(detail=False, methods=["get", "patch"])
    def mine(self, request):
        if not request.user.is_partner_user:
            raise PermissionDenied(_("Only partner users have an own locator profile."))
        profile, _created = LocatorProfile.objects.get_or_create(organization_id=request.user.organization_id)
        if request.method == "GET":
            return Response(self.get_serializer(profile).data)
        payload = self.get_serializer(profile, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        with set_actor(request.user):
            payload.save()
        return Response(payload.data)


class EnquirySerializer(serializers.ModelSerializer):
    organization = serializers.UUIDField(source="organization.uuid", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status = serializers.ChoiceField(choices=EnquiryStatus.choices)

    class Meta:
        model = Enquiry
        fields = [
            "uuid",
            "organization",
            "organization_name",
            "name",
            "company",
            "email",
            "phone",
            "message",
            "status",
            "forwarded_at",
            *TIMESTAMPS,
        ]
        read_only_fields = [f for f in fields if f != "status"]


class EnquiryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Enquiries from the public locator. A partner user sees its organisation's only and may change their
    status; staff see all. Visitors send them from the public locator page."""

    serializer_class = EnquirySerializer
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex
    filterset_fields = ["status"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Enquiry.objects.visible_to(self.request.user).select_related("organization")


def register(router):
    router.register("ambassadors", AmbassadorViewSet, basename="ambassador")
    router.register("labels", LabelViewSet, basename="label")
    router.register("label-awards", LabelAwardViewSet, basename="labelaward")
    router.register("locator-profiles", LocatorProfileViewSet, basename="locatorprofile")
    router.register("enquiries", EnquiryViewSet, basename="enquiry")
