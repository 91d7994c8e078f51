from django.utils.translation import gettext as _
from rest_framework import serializers

from meute.core.api.serializers import by_code, by_uuid
from meute.core.choices import PartnerType
from meute.core.models import Territory
from meute.lib.api_serializers import (
    TIMESTAMPS,
    ModelValidatedSerializer,
)
from meute.locator.choices import EnquiryStatus, LabelKind
from meute.locator.models import Enquiry, Label, LabelAward, LocatorProfile
from meute.programs.models import Program, Tier


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


class LabelAwardSerializer(serializers.ModelSerializer):
    label = by_uuid(Label)
    organization = serializers.UUIDField(source="organization.uuid")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    awarded_by = serializers.CharField(source="awarded_by.username", read_only=True, allow_null=True)

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


class LocatorProfileSerializer(ModelValidatedSerializer):
    organization = serializers.UUIDField(source="organization.uuid", read_only=True)

    class Meta:
        model = LocatorProfile
        fields = ["uuid", "organization", "opt_in", "public_description", *TIMESTAMPS]
        read_only_fields = ["uuid", "organization", *TIMESTAMPS]


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
