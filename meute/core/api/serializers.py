from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from meute.core import validators
from meute.core.choices import CompanySize, PartnerType, UserRole
from meute.core.models import ApiToken, Organization, Person, ProductLine, Sector, Tag, Territory, User
from meute.core.organizations import set_partner_types
from meute.core.tokens import MAX_DAYS as MAX_TOKEN_DAYS
from meute.lib.api_errors import ErrorSerializer  # noqa: F401
from meute.lib.api_serializers import ModelValidatedSerializer, VisibleSlugRelatedField  # noqa: F401

MAX_HEADCOUNT = 10_000_000


def by_code(model, **kwargs):
    return VisibleSlugRelatedField(slug_field="code", queryset=model.objects.all(), **kwargs)


def by_uuid(model, **kwargs):
    return VisibleSlugRelatedField(slug_field="uuid", queryset=model.objects.all(), **kwargs)


# --- reference data -------------------------------------------------------------------------------------


class ReferenceSerializer(ModelValidatedSerializer):
    class Meta:
        fields = ["uuid", "code", "name", "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]


class TerritorySerializer(ReferenceSerializer):
    country = CountryField(required=False, allow_blank=True)
    parent = by_code(Territory, required=False, allow_null=True)

    class Meta(ReferenceSerializer.Meta):
        model = Territory
        fields = [*ReferenceSerializer.Meta.fields, "kind", "country", "parent"]

    def validate_parent(self, parent):
        if parent is not None and self.instance is not None:
            ancestor = parent
            while ancestor is not None:
                if ancestor.pk == self.instance.pk:
                    raise serializers.ValidationError(_("A territory cannot be part of itself."))
                ancestor = ancestor.parent
        return parent


class ProductLineSerializer(ReferenceSerializer):
    class Meta(ReferenceSerializer.Meta):
        model = ProductLine
        fields = [*ReferenceSerializer.Meta.fields, "description", "is_active"]


class SectorSerializer(ReferenceSerializer):
    class Meta(ReferenceSerializer.Meta):
        model = Sector


class TagSerializer(ReferenceSerializer):
    class Meta(ReferenceSerializer.Meta):
        model = Tag


# --- organisations ----------------------------------------------------------------------------------------


class OrganizationSerializer(ModelValidatedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organization-detail", lookup_field="uuid")
    country = CountryField(required=False)
    region = by_code(Territory, required=False, allow_null=True)
    partner_types = serializers.ListField(
        child=serializers.ChoiceField(choices=PartnerType.choices),
        required=False,
        help_text=_("Partner types this organisation can play."),
    )
    company_sizes = serializers.ListField(
        child=serializers.ChoiceField(choices=CompanySize.choices),
        required=False,
        help_text=_("Company sizes of its customers."),
    )
    markets = by_code(Sector, many=True, required=False)
    geographies = by_code(Territory, many=True, required=False)
    offerings = by_code(ProductLine, many=True, required=False)
    tags = by_code(Tag, many=True, required=False)

    constraint_fields = {
        "organization_market_share_percent": "market_share",
        "organization_headcounts_consistent": "sales_headcount",
    }

    class Meta:
        model = Organization
        fields = [
            "uuid",
            "url",
            "name",
            "legal_name",
            "is_operator",
            "partner_types",
            "siren",
            "siret",
            "vat_number",
            "website",
            "email_domain",
            "phone",
            "address",
            "postal_code",
            "city",
            "country",
            "region",
            "headcount",
            "sales_headcount",
            "engineer_headcount",
            "annual_revenue",
            "market_share",
            "growth_trend",
            "company_sizes",
            "markets",
            "geographies",
            "offerings",
            "offerings_description",
            "tags",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        # Uniqueness is checked by the model's constraints, after identifiers are normalised.
        validators = []
        extra_kwargs = {
            "siren": {"validators": [], "max_length": None},
            "siret": {"validators": [], "max_length": None},
            "vat_number": {"validators": [], "max_length": None},
            "email_domain": {"validators": [], "max_length": None},
            "is_operator": {"validators": []},
            # An explicit bound: the database's own integer limit differs between SQLite and PostgreSQL.
            "headcount": {"max_value": MAX_HEADCOUNT},
            "sales_headcount": {"max_value": MAX_HEADCOUNT},
            "engineer_headcount": {"max_value": MAX_HEADCOUNT},
        }

    # Identifiers are accepted as people type them ("732 829 320", "fr 40 303…"), then normalised.
    def validate_siren(self, value):
        return validators.normalize_siren(value)

    def validate_siret(self, value):
        return validators.normalize_siret(value)

    def validate_vat_number(self, value):
        return validators.normalize_vat(value)

    def validate_email_domain(self, value):
        return validators.normalize_domain(value)

    def validate_is_operator(self, value):
        user = self.context["request"].user
        current = self.instance.is_operator if self.instance is not None else False
        if value != current and not user.is_administrator:
            raise serializers.ValidationError(
                _("Only an administrator can change the operator organisation.")
            )
        return value

    def create(self, validated_data):
        partner_types = validated_data.pop("partner_types", None)
        with transaction.atomic():
            organization = super().create(validated_data)
            if partner_types is not None:
                set_partner_types(organization, partner_types)
        return organization

    def update(self, instance, validated_data):
        partner_types = validated_data.pop("partner_types", None)
        with transaction.atomic():
            organization = super().update(instance, validated_data)
            if partner_types is not None:
                set_partner_types(organization, partner_types)
                # Drop the prefetched links so the response shows the new types.
                getattr(organization, "_prefetched_objects_cache", {}).pop("partner_type_links", None)
        return organization


# --- people -----------------------------------------------------------------------------------------------


class PersonSerializer(ModelValidatedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:person-detail", lookup_field="uuid")
    organization = by_uuid(
        Organization,
        required=False,
        help_text=_("Organisation (uuid). Partner users may leave it out: their own organisation is used."),
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    has_login = serializers.SerializerMethodField(help_text=_("Whether this person can sign in."))

    constraint_fields = {"unique_person_email_per_organization": "email"}

    class Meta:
        model = Person
        fields = [
            "uuid",
            "url",
            "organization",
            "organization_name",
            "first_name",
            "last_name",
            "email",
            "phone",
            "job_title",
            "role",
            "department",
            "linkedin_url",
            "is_active",
            "has_login",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        validators = []

    def get_has_login(self, person) -> bool:
        return person.user_id is not None

    def validate(self, attrs):
        if self.instance is None and attrs.get("organization") is None:
            user = self.context["request"].user
            if not user.is_partner_user:
                raise serializers.ValidationError({"organization": [_("This field is required.")]})
            attrs["organization"] = user.organization
        return super().validate(attrs)


# --- the current user -------------------------------------------------------------------------------------


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["uuid", "name", "is_operator"]


class MeSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=UserRole.choices, read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    is_staff_member = serializers.BooleanField(read_only=True)
    can_edit_all = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "role_display",
            "organization",
            "is_staff_member",
            "can_edit_all",
        ]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of my tokens as listed: never its key (only a digest is stored), its first characters."""

    current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["uuid", "name", "prefix", "created_at", "expires_at", "last_used_at", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        request = self.context.get("request")
        return getattr(request, "auth", None) == token


class IssuedTokenSerializer(serializers.ModelSerializer):
    """A token just issued, with its key: the only time the key is shown."""

    token = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["token", "uuid", "name", "expires_at"]
        read_only_fields = fields

    def get_token(self, token) -> str:
        return self.context["key"]


class NewTokenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(min_value=1, max_value=MAX_TOKEN_DAYS, required=False)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        values.setdefault("days", None)
        return values
