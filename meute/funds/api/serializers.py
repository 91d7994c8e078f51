from rest_framework import serializers

from meute.core.api.serializers import by_uuid
from meute.deals.models import DealRegistration
from meute.lib.api_serializers import TIMESTAMPS
from meute.partnerships.models import Partnership
from meute.programs.models import Program

from ..choices import ProofKind
from ..ledger import Balance
from ..models import ActivityDeal, Claim, FundAllocation, FundEntry, FundRequest, ProofFile

MONEY = {"max_digits": 14, "decimal_places": 2}


class BalanceSerializer(serializers.Serializer):
    allocated = serializers.DecimalField(**MONEY)
    committed = serializers.DecimalField(**MONEY)
    claimed = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    expired = serializers.DecimalField(**MONEY)
    carried_over = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)


class AllocationSerializer(serializers.ModelSerializer):
    partnership = serializers.UUIDField(source="partnership.uuid", read_only=True)
    program = serializers.UUIDField(source="program.uuid", read_only=True)
    balance = serializers.SerializerMethodField()

    class Meta:
        model = FundAllocation
        fields = [
            "uuid",
            "partnership",
            "program",
            "period",
            "currency",
            "method",
            "percent",
            "revenue_basis",
            "expires_on",
            "note",
            "balance",
            *TIMESTAMPS,
        ]
        read_only_fields = fields

    def get_balance(self, allocation) -> BalanceSerializer:
        balance = self.context.get("balances", {}).get(allocation.pk, Balance())
        return BalanceSerializer(balance).data


class AllocateSerializer(serializers.Serializer):
    """Set an allocation: ``amount`` by hand, or omitted for the tier rule."""

    partnership = by_uuid(Partnership)
    program = by_uuid(Program)
    period = serializers.IntegerField(min_value=2000, max_value=2100)
    amount = serializers.DecimalField(required=False, allow_null=True, min_value=0, **MONEY)
    expires_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EntrySerializer(serializers.ModelSerializer):
    allocation = serializers.UUIDField(source="allocation.uuid", read_only=True)
    request = serializers.UUIDField(source="request.uuid", read_only=True, allow_null=True)

    class Meta:
        model = FundEntry
        fields = ["uuid", "allocation", "kind", "amount", "request", "note", "created_at"]
        read_only_fields = fields


class FundRequestSerializer(serializers.ModelSerializer):
    """Partners write what they propose; status, approval and decision fields are read-only for everyone
    (they change through the actions)."""

    allocation = by_uuid(FundAllocation)

    class Meta:
        model = FundRequest
        fields = [
            "uuid",
            "allocation",
            "activity_type",
            "title",
            "description",
            "budget",
            "currency",
            "budget_in_fund_currency",
            "expected_leads",
            "expected_opportunities",
            "start_date",
            "end_date",
            "status",
            "approved_amount",
            "submitted_at",
            "decided_at",
            "decision_note",
            *TIMESTAMPS,
        ]
        read_only_fields = [
            "uuid",
            "budget_in_fund_currency",
            "status",
            "approved_amount",
            "submitted_at",
            "decided_at",
            "decision_note",
            *TIMESTAMPS,
        ]


class FundDecisionSerializer(serializers.Serializer):
    amount = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProofSerializer(serializers.ModelSerializer):
    url = serializers.CharField(
        source="get_absolute_url", read_only=True, help_text="Download path of the file."
    )

    class Meta:
        model = ProofFile
        fields = ["uuid", "kind", "name", "content_type", "size", "url"]
        read_only_fields = fields


class ClaimSerializer(serializers.ModelSerializer):
    request = serializers.UUIDField(source="request.uuid", read_only=True)
    proofs = ProofSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "uuid",
            "request",
            "amount",
            "currency",
            "amount_in_fund_currency",
            "leads",
            "opportunities",
            "note",
            "status",
            "approved_amount",
            "override_reason",
            "payment_reference",
            "paid_at",
            "decision_note",
            "proofs",
            *TIMESTAMPS,
        ]
        read_only_fields = fields


class ClaimCreateSerializer(serializers.Serializer):
    """Multipart: the request, the amount, the results and at least one proof file."""

    request = by_uuid(FundRequest)
    amount = serializers.DecimalField(**MONEY)
    currency = serializers.CharField(max_length=3)
    leads = serializers.IntegerField(min_value=0, default=0)
    opportunities = serializers.IntegerField(min_value=0, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    invoice = serializers.FileField(required=False)
    photo = serializers.FileField(required=False)
    attendees = serializers.FileField(required=False)

    def proofs(self):
        return [
            (self.validated_data.get(kind), kind)
            for kind in (ProofKind.INVOICE, ProofKind.PHOTO, ProofKind.ATTENDEES)
        ]


class ClaimDecisionSerializer(serializers.Serializer):
    approved_amount = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PaymentSerializer(serializers.Serializer):
    payment_reference = serializers.CharField(max_length=100)


class AttributionSerializer(serializers.ModelSerializer):
    request = by_uuid(FundRequest)
    deal = by_uuid(DealRegistration)

    class Meta:
        model = ActivityDeal
        fields = ["uuid", "request", "deal", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]
