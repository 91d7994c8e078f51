from rest_framework import serializers

from meute.core.models import Organization
from meute.lib.api_serializers import TIMESTAMPS

from ..choices import RegistrationStatus
from ..models import (
    BudgetLine,
    Campaign,
    CampaignAction,
    CampaignParticipant,
    CampaignTask,
    EventRegistration,
    MarketingCooperation,
    MarketingSubPlan,
    PlanAction,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class ParticipantSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.all())
    budget_part = serializers.SerializerMethodField()

    class Meta:
        model = CampaignParticipant
        fields = [
            "organization",
            "share_percent",
            "headcount",
            "budget_part",
            "leads",
            "opportunities",
            "revenue",
        ]
        read_only_fields = ["budget_part", "leads", "opportunities", "revenue"]

    def get_budget_part(self, participant) -> str | None:
        part = self.context.get("split", {}).get(participant.pk)
        return None if part is None else str(part)


class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignAction
        fields = ["uuid", "kind", "title", "start_date", "end_date", "location", "public_registration"]
        read_only_fields = ["uuid", "public_registration"]


class TaskInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.all())
    due_date = serializers.DateField(required=False, allow_null=True)


class BudgetLineInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(**MONEY)
    currency = serializers.CharField(max_length=3, default="EUR")


class TaskSerializer(serializers.ModelSerializer):
    owner = serializers.UUIDField(source="owner.uuid", read_only=True)

    class Meta:
        model = CampaignTask
        fields = ["uuid", "title", "owner", "due_date", "done"]


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["uuid", "label", "amount", "currency", "amount_in_campaign_currency"]


class CampaignSerializer(serializers.ModelSerializer):
    coordinator = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.all())
    participants = ParticipantSerializer(many=True)
    actions = ActionSerializer(many=True, read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "uuid",
            "name",
            "kind",
            "theme",
            "description",
            "coordinator",
            "start_date",
            "end_date",
            "status",
            "currency",
            "split_rule",
            "participants",
            "actions",
            "tasks",
            "budget_lines",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", *TIMESTAMPS]


class ResultsSerializer(serializers.Serializer):
    leads = serializers.IntegerField(min_value=0)
    opportunities = serializers.IntegerField(min_value=0)
    revenue = serializers.DecimalField(min_value=0, **MONEY)


class PlanActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanAction
        fields = ["uuid", "title", "target", "start_date", "end_date", "done", "result"]


class SubPlanSerializer(serializers.ModelSerializer):
    actions = PlanActionSerializer(many=True, read_only=True)

    class Meta:
        model = MarketingSubPlan
        fields = ["uuid", "kind", "objectives", "targets", "actions"]


class CooperationSerializer(serializers.ModelSerializer):
    coordinator = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.all())
    members = serializers.SlugRelatedField(slug_field="uuid", many=True, queryset=Organization.objects.all())
    sub_plans = SubPlanSerializer(many=True, read_only=True)

    class Meta:
        model = MarketingCooperation
        fields = [
            "uuid",
            "name",
            "coordinator",
            "members",
            "theme",
            "objectives",
            "start_date",
            "end_date",
            "sub_plans",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", *TIMESTAMPS]


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.UUIDField(source="action.uuid", read_only=True)
    invited_by = serializers.UUIDField(source="invited_by.uuid", read_only=True)
    person = serializers.UUIDField(source="person.uuid", read_only=True, allow_null=True)

    class Meta:
        model = EventRegistration
        fields = ["uuid", "event", "invited_by", "person", "name", "email", "company", "status", "is_lead"]
        read_only_fields = fields


class InvitationSerializer(serializers.Serializer):
    """An invitation: a contact of the directory (``person``) or a prospect (``name``, ``email``,
    ``company``). ``organization`` is the inviting participant; a partner user's own by default."""

    event = serializers.UUIDField()
    organization = serializers.UUIDField(required=False)
    person = serializers.UUIDField(required=False)
    name = serializers.CharField(max_length=160, required=False, default="")
    email = serializers.EmailField(required=False, default="")
    company = serializers.CharField(max_length=200, required=False, default="")


class RegistrationStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)


class RegistrationLeadSerializer(serializers.Serializer):
    is_lead = serializers.BooleanField()
