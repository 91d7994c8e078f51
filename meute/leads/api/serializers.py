from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meute.core.api.serializers import by_code
from meute.core.models import ProductLine, Sector, Territory
from meute.leads.models import Lead, LeadCapacity, LeadOffer
from meute.leads.routing import channel_partnerships, current_loads, describe_ranked, describe_skip
from meute.lib.api_serializers import ModelValidatedSerializer

LEAD_FIELDS = [
    "uuid",
    "url",
    "company_name",
    "siren",
    "vat_number",
    "website",
    "address",
    "postal_code",
    "city",
    "country",
    "territory",
    "sector",
    "product_lines",
    "amount",
    "currency",
    "contact_name",
    "contact_email",
    "contact_phone",
    "description",
    "source",
]


class LeadSerializer(ModelValidatedSerializer):
    """A lead as staff see it: the facts, the routing requirements, the status, the assignment and offers."""

    url = serializers.HyperlinkedIdentityField(view_name="api:lead-detail", lookup_field="uuid")
    country = CountryField(required=False)
    territory = by_code(Territory, required=False, allow_null=True)
    sector = by_code(Sector, required=False, allow_null=True)
    product_lines = by_code(ProductLine, many=True, required=False)
    partnership = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    partnership_name = serializers.CharField(source="partnership.name", read_only=True, allow_null=True)
    deal = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    routing = serializers.SerializerMethodField(
        help_text=_("The latest routing decision: ranked partners and those skipped with the reason.")
    )

    class Meta:
        model = Lead
        fields = [
            *LEAD_FIELDS,
            "required_partner_type",
            "required_certification",
            "min_certified_people",
            "status",
            "partnership",
            "partnership_name",
            "accepted_at",
            "unassigned_reason",
            "closed_at",
            "close_reason",
            "deal",
            "routing",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "uuid",
            "status",
            "accepted_at",
            "unassigned_reason",
            "closed_at",
            "close_reason",
            "created_at",
            "updated_at",
        ]
        validators = []

    # A partner user is answered with PartnerLeadSerializer: the facts of LEAD_FIELDS, none of these.
    schema_optional_fields = tuple(name for name in Meta.fields if name not in LEAD_FIELDS)

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_routing(self, lead):
        decision = lead.routing_decisions.order_by("-created_at", "-pk").first()
        if decision is None:
            return None
        explanation = decision.explanation or {}
        return {
            "trigger": decision.trigger,
            "at": decision.created_at,
            "chosen": decision.chosen.uuid if decision.chosen else None,
            "manual": bool(explanation.get("manual")),
            "ranked": [{**entry, "why": describe_ranked(entry)} for entry in explanation.get("ranked", [])],
            "skipped": [
                {**entry, "why": describe_skip(entry["code"], entry.get("params") or {})}
                for entry in explanation.get("skipped", [])
            ],
        }

    def create(self, validated_data):
        product_lines = validated_data.pop("product_lines", [])
        lead = Lead.objects.create(**validated_data)
        lead.product_lines.set(product_lines)
        return lead

    def update(self, instance, validated_data):
        product_lines = validated_data.pop("product_lines", None)
        lead = super().update(instance, validated_data)
        if product_lines is not None:
            lead.product_lines.set(product_lines)
        return lead


class PartnerLeadSerializer(serializers.ModelSerializer):
    """A lead as a partner user sees it: the facts only — never the routing nor who else was offered it."""

    url = serializers.HyperlinkedIdentityField(view_name="api:lead-detail", lookup_field="uuid")
    country = CountryField(read_only=True)
    territory = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    product_lines = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Lead
        fields = LEAD_FIELDS
        read_only_fields = fields


class LeadSummarySerializer(serializers.ModelSerializer):
    country = CountryField(read_only=True)

    class Meta:
        model = Lead
        fields = ["uuid", "company_name", "city", "postal_code", "country", "amount", "currency"]
        read_only_fields = fields


class LeadOfferSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:leadoffer-detail", lookup_field="uuid")
    lead = LeadSummarySerializer(read_only=True)
    partnership = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)

    class Meta:
        model = LeadOffer
        fields = [
            "uuid",
            "url",
            "lead",
            "partnership",
            "partnership_name",
            "status",
            "offered_at",
            "deadline",
            "responded_at",
            "decline_reason",
        ]
        read_only_fields = fields


class RouteSerializer(serializers.Serializer):
    partnership = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=channel_partnerships(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Staff choice of an active channel partnership; empty: the routing rules choose."),
    )


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Why the lead is declined (required)."))


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class LeadCapacitySerializer(ModelValidatedSerializer):
    """How many open leads (offered or accepted) a channel partnership may hold at once."""

    url = serializers.HyperlinkedIdentityField(view_name="api:leadcapacity-detail", lookup_field="uuid")
    partnership = serializers.SlugRelatedField(slug_field="uuid", queryset=channel_partnerships())
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)
    current_load = serializers.SerializerMethodField()

    class Meta:
        model = LeadCapacity
        fields = ["uuid", "url", "partnership", "partnership_name", "max_open_leads", "current_load"]
        read_only_fields = ["uuid"]
        validators = []

    def get_current_load(self, capacity) -> int:
        return current_loads([capacity.partnership_id]).get(capacity.partnership_id, 0)

    def validate_partnership(self, partnership):
        others = LeadCapacity.objects.filter(partnership=partnership)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("This partnership already has a lead capacity."))
        return partnership
