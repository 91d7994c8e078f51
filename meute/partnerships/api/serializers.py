from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from meute.core.api.serializers import by_code, by_uuid
from meute.core.models import Organization, Person, ProductLine, Sector, Territory
from meute.lib.api_errors import Conflict
from meute.lib.api_serializers import ModelValidatedSerializer, api_errors_from_django
from meute.partnerships.models import Partnership, PartnershipParty
from meute.partnerships.parties import (
    GROUPING_DOOR,
    PartySpec,
    create_partnership,
    require_generic_door,
    validate_parties,
)

PARTY_FIELDS = ["uuid", "organization", "organization_name", "role", "involvement", "alliance_manager"]


class PartySerializer(serializers.ModelSerializer):
    """One party inside a partnership: written once, when the partnership is created."""

    organization = by_uuid(Organization)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    alliance_manager = by_uuid(
        Person,
        required=False,
        allow_null=True,
        help_text=_("Person (uuid) of this organisation who manages the alliance on its side."),
    )

    class Meta:
        model = PartnershipParty
        fields = PARTY_FIELDS
        read_only_fields = ["uuid"]
        validators = []


class PartnershipSerializer(ModelValidatedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:partnership-detail", lookup_field="uuid")
    territories = by_code(Territory, many=True, required=False)
    product_lines = by_code(ProductLine, many=True, required=False)
    sectors = by_code(Sector, many=True, required=False)
    parties = PartySerializer(
        many=True,
        required=False,
        help_text=_(
            "Two or more parties, given when the partnership is created. "
            "Afterwards they are managed through /api/partnership-parties/."
        ),
    )

    constraint_fields = {
        "partnership_dates_ordered": "end_date",
        "partnership_grouping_level_only_for_groupings": "grouping_level",
    }

    class Meta:
        model = Partnership
        fields = [
            "uuid",
            "url",
            "name",
            "kind",
            "grouping_level",
            "collaboration_model",
            "stage",
            "status",
            "start_date",
            "end_date",
            "territories",
            "product_lines",
            "sectors",
            "objectives",
            "description",
            "parties",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        validators = []

    def validate(self, attrs):
        parties = attrs.get("parties")
        kinds = {attrs.get("kind"), None if self.instance is None else self.instance.kind} - {None}
        if self.instance is None or len(kinds) > 1:
            # A grouping is formed, and changes members, through the grouping (POST /api/groupings/).
            for kind in kinds:
                try:
                    require_generic_door(kind)
                except DjangoValidationError as exc:
                    raise Conflict(" ".join(exc.messages), code=GROUPING_DOOR) from exc
        if self.instance is not None:
            if parties is not None:
                raise serializers.ValidationError(
                    {"parties": [_("Parties are changed through /api/partnership-parties/.")]}
                )
        else:
            try:
                validate_parties([PartySpec(**party) for party in parties or []])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"parties": exc.messages}) from exc
        return super().validate(attrs)

    def create(self, validated_data):
        parties = [PartySpec(**party) for party in validated_data.pop("parties")]
        try:
            return create_partnership(parties, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(api_errors_from_django(exc)) from exc


class PartnershipPartySerializer(ModelValidatedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:partnershipparty-detail", lookup_field="uuid")
    partnership = by_uuid(Partnership)
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)
    organization = by_uuid(Organization)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    alliance_manager = by_uuid(Person, required=False, allow_null=True)

    constraint_fields = {"unique_party_per_partnership": "organization"}

    class Meta:
        model = PartnershipParty
        fields = [
            "uuid",
            "url",
            "partnership",
            "partnership_name",
            *PARTY_FIELDS[1:],
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        validators = []

    def validate(self, attrs):
        if self.instance is not None:
            errors = {}
            for name in ("partnership", "organization"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    errors[name] = [_("Cannot be changed: remove this party and add a new one.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().validate(attrs)
