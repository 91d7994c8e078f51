from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meute.core.api.serializers import by_code, by_uuid
from meute.core.models import Organization, ProductLine, Sector, User
from meute.deals.choices import Currency
from meute.deals.customers import save_customer
from meute.deals.evidence import Weights
from meute.deals.models import (
    REGISTERED_CUSTOMER_FIELDS,
    Customer,
    DealParty,
    DealRegistration,
    MatcherWeights,
)
from meute.deals.workflow import RegistrationData, record_margin_author
from meute.lib.api_serializers import ModelValidatedSerializer
from meute.partnerships.models import Partnership


class CustomerSerializer(ModelValidatedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:customer-detail", lookup_field="uuid")
    country = CountryField(required=False)
    sector = by_code(Sector, required=False, allow_null=True)
    account_owner = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Customer
        fields = [
            "uuid",
            "url",
            "name",
            "siren",
            "vat_number",
            "website_domain",
            "email_domain",
            "phone",
            "address",
            "postal_code",
            "city",
            "country",
            "sector",
            "is_direct_account",
            "account_owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        validators = []

    def create(self, validated_data):
        customer = Customer(**validated_data)
        save_customer(customer)
        return customer

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        save_customer(instance)
        return instance

    def to_representation(self, instance):
        data = super().to_representation(instance)
        own = getattr(instance, "own_registration", None)
        if own is not None:
            data.update({name: own[name] for name in REGISTERED_CUSTOMER_FIELDS if name in own})
        return data


class CustomerSummarySerializer(serializers.ModelSerializer):
    country = CountryField(read_only=True)

    class Meta:
        model = Customer
        fields = ["uuid", "name", "siren", "vat_number", "website_domain", "city", "country"]
        read_only_fields = fields


def _own_words(values: dict) -> dict:
    return {name: values.get(name, "") for name in CustomerSummarySerializer.Meta.fields}


class DealSerializer(ModelValidatedSerializer):
    """A registration as read, and the fields a partner may still change (title, contact, notes, and the
    margin that margin-based remuneration rules share)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:deal-detail", lookup_field="uuid")
    partnership = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)
    customer = serializers.SerializerMethodField(
        help_text=_("The customer as this registration gave it (staff: the shared customer record).")
    )
    product_lines = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    conflict = serializers.SerializerMethodField(
        help_text=_("Staff only: the candidate matches with their evidence, found at submission.")
    )
    conflict_level = serializers.SerializerMethodField(
        help_text=_(
            "distinct, possible or same; null for a partner whose conflict-check budget was used up when "
            "registering (the hint is withheld)."
        )
    )
    conflict_score = serializers.SerializerMethodField(help_text=_("Staff only: the match probability."))

    class Meta:
        model = DealRegistration
        fields = [
            "uuid",
            "url",
            "partnership",
            "partnership_name",
            "customer",
            "title",
            "contact_name",
            "contact_email",
            "contact_phone",
            "contact_title",
            "product_lines",
            "amount",
            "margin",
            "margin_declared",
            "won_declared",
            "currency",
            "expected_close_date",
            "stage",
            "submitted_at",
            "protection_start",
            "protection_end",
            "extension_count",
            "extension_requested_at",
            "extension_request_reason",
            "reviewer",
            "reviewed_at",
            "auto_approved",
            "decision_reason",
            "closed_at",
            "conflict_level",
            "conflict_score",
            "conflict",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            name
            for name in fields
            if name
            not in {
                "title",
                "contact_name",
                "contact_email",
                "contact_phone",
                "contact_title",
                "notes",
                "margin",
            }
        ]
        validators = []

    def update(self, instance, validated_data):
        if "margin" in validated_data and validated_data["margin"] != instance.margin:
            instance.margin = validated_data["margin"]
            record_margin_author(instance, self.context["request"].user)
            validated_data["margin_declared"] = instance.margin_declared
        return super().update(instance, validated_data)

    @extend_schema_field(CustomerSummarySerializer)
    def get_customer(self, deal):
        user = getattr(self.context.get("request"), "user", None)
        if user is not None and user.is_staff_member:
            return CustomerSummarySerializer(deal.customer).data
        return _own_words(deal.registered_customer())

    def _staff(self) -> bool:
        user = getattr(self.context.get("request"), "user", None)
        return user is not None and user.is_staff_member

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_conflict_level(self, deal):
        if deal.conflict_hint_withheld and not self._staff():
            return None
        return deal.conflict_level

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=3, allow_null=True))
    def get_conflict_score(self, deal):
        return str(deal.conflict_score) if self._staff() else None

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_conflict(self, deal):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_staff_member:
            return None
        return deal.conflict_evidence or None


class RegistrationSerializer(serializers.Serializer):
    """A new registration: the end customer, the contact, the products, the amount and the close date."""

    partnership = by_uuid(Partnership)
    customer_name = serializers.CharField(max_length=200)
    siren = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    siret = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    vat_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    website = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    country = CountryField(required=False, default="FR")
    sector = by_code(Sector, required=False, allow_null=True, default=None)
    contact_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
    contact_title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    product_lines = by_code(ProductLine, many=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.EUR)
    expected_close_date = serializers.DateField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def to_data(self) -> tuple[Partnership, RegistrationData]:
        values = dict(self.validated_data)
        partnership = values.pop("partnership")
        values.pop("submit", None)
        values.pop("idempotency_key", None)
        return partnership, RegistrationData(**values)


class RegistrationCreateSerializer(RegistrationSerializer):
    submit = serializers.BooleanField(default=True, help_text=_("False keeps the registration as a draft."))
    idempotency_key = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Send the same key when retrying: the first registration is returned, not a second one."),
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ExtendSerializer(ReasonSerializer):
    days = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True, default=None)


class CheckResultSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=_("distinct, possible or same"))
    messages = serializers.ListField(child=serializers.CharField())
    outside_boundaries = serializers.BooleanField()
    refused = serializers.BooleanField(help_text=_("Registration would refuse it (e.g. products outside)."))
    own_registration = serializers.UUIDField(
        allow_null=True,
        help_text=_("Your open registration of the same customer: registering again is refused."),
    )
    details = serializers.JSONField(
        allow_null=True, help_text=_("Staff only: every candidate with its score and the evidence per field.")
    )


class DealPartySerializer(ModelValidatedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:dealparty-detail", lookup_field="uuid")
    deal = by_uuid(DealRegistration)
    organization = by_uuid(Organization)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    constraint_fields = {"unique_deal_party": "organization", "deal_party_share_percent": "share"}

    class Meta:
        model = DealParty
        fields = ["uuid", "url", "deal", "organization", "organization_name", "role", "share", "created_at"]
        read_only_fields = ["uuid", "created_at"]
        validators = []


class WeightRowSerializer(serializers.Serializer):
    field = serializers.CharField()
    field_label = serializers.CharField()
    level = serializers.CharField()
    meaning = serializers.CharField()
    m = serializers.FloatField(
        help_text=_("How often two records of the same company compare at this level.")
    )
    u = serializers.FloatField(help_text=_("How often two unrelated companies compare at this level."))
    weight = serializers.FloatField(help_text=_("log2(m / u), in bits: positive for, negative against."))


class MatcherWeightsSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:matcherweights-detail", lookup_field="uuid")
    trained_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    weights = serializers.SerializerMethodField()

    class Meta:
        model = MatcherWeights
        fields = [
            "uuid",
            "url",
            "version",
            "is_active",
            "base_size",
            "records_used",
            "pairs_used",
            "notes",
            "trained_by",
            "created_at",
            "weights",
        ]
        read_only_fields = fields

    @extend_schema_field(WeightRowSerializer(many=True))
    def get_weights(self, version):
        return Weights(version.parameters).rows()


class WeightsInForceSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("0: the built-in defaults (never retrained)."))
    base_size = serializers.IntegerField()
    same_threshold = serializers.FloatField()
    possible_threshold = serializers.FloatField()
    weights = WeightRowSerializer(many=True)
