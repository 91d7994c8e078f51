from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meute.core.api.serializers import by_code
from meute.core.models import Organization, Sector, Territory
from meute.groupings import groupings, pillars
from meute.groupings.choices import Ambition, ClientType, PillarStatus
from meute.groupings.models import MatchProposal, MemberProfile, PillarItem
from meute.lib.api_serializers import ModelValidatedSerializer
from meute.partnerships.choices import CollaborationModel


class MemberProfileSerializer(ModelValidatedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:memberprofile-detail", lookup_field="uuid")
    organization = serializers.SlugRelatedField(slug_field="uuid", queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    skills = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=30)
    offers = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=30)
    sectors = by_code(Sector, many=True, required=False)
    territories = by_code(Territory, many=True, required=False)
    client_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ClientType.choices), required=False
    )
    ambitions = serializers.ListField(child=serializers.ChoiceField(choices=Ambition.choices), required=False)

    class Meta:
        model = MemberProfile
        fields = [
            "uuid",
            "url",
            "organization",
            "organization_name",
            "headline",
            "skills",
            "offers",
            "sectors",
            "territories",
            "client_types",
            "looking_for",
            "bringing",
            "availability",
            "ambitions",
            "ambition_text",
            "is_visible",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        validators = []

    def validate_organization(self, organization):
        user = self.context["request"].user
        if self.instance is not None and organization.pk != self.instance.organization_id:
            raise serializers.ValidationError(_("A profile cannot move to another member."))
        if not Organization.objects.visible_to(user).filter(pk=organization.pk).exists():
            raise serializers.ValidationError(_("No such member."))
        if organization.is_operator:
            raise serializers.ValidationError(_("The operator is not a member of groupings."))
        if self.instance is None and MemberProfile.objects.filter(organization=organization).exists():
            raise serializers.ValidationError(_("This member already has a profile."))
        return organization


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    family = serializers.CharField(help_text="complementarity, affinity or caution")
    values = serializers.ListField(child=serializers.CharField())
    points = serializers.IntegerField()


class SuggestionSerializer(serializers.Serializer):
    organization = serializers.UUIDField()
    organization_name = serializers.CharField()
    profile = serializers.UUIDField()
    score = serializers.IntegerField()
    reasons = ReasonSerializer(many=True)


class MatchProposalSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:matchproposal-detail", lookup_field="uuid")
    proposer = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    proposer_name = serializers.CharField(source="proposer.name", read_only=True)
    recipient = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)
    proposed_by = serializers.SerializerMethodField(
        help_text="Username of the user who made the proposal (shown to staff only)."
    )
    on_behalf = serializers.BooleanField(
        read_only=True, help_text="Made by the operator's staff on behalf of the proposing member."
    )

    class Meta:
        model = MatchProposal
        fields = [
            "uuid",
            "url",
            "proposer",
            "proposer_name",
            "recipient",
            "recipient_name",
            "proposed_by",
            "on_behalf",
            "message",
            "status",
            "score",
            "reasons",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_proposed_by(self, proposal) -> str | None:
        request = self.context.get("request")
        if proposal.proposed_by is None or request is None or not request.user.is_staff_member:
            return None
        return proposal.proposed_by.get_username()


class ProposalCreateSerializer(serializers.Serializer):
    recipient = serializers.UUIDField(help_text="The organisation of a member opted in to matchmaking.")
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    proposer = serializers.UUIDField(required=False, help_text="Staff only: the member who proposes.")


class SeatSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization.uuid")
    organization_name = serializers.CharField(source="organization.name")
    role = serializers.CharField()


class CriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    current = serializers.CharField()


class GroupingSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:grouping-detail", lookup_field="uuid")
    name = serializers.CharField(read_only=True)
    grouping_level = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True)
    collaboration_model = serializers.ChoiceField(choices=CollaborationModel.choices, required=False)
    objectives = serializers.CharField(required=False, allow_blank=True)
    shared_ambition = serializers.CharField(
        source="charter.shared_ambition", required=False, allow_blank=True
    )
    common_project = serializers.CharField(source="charter.common_project", required=False, allow_blank=True)
    identified_need = serializers.CharField(
        source="charter.identified_need", required=False, allow_blank=True
    )
    members = SeatSerializer(source="parties.all", many=True, read_only=True)
    pillars = serializers.SerializerMethodField()
    next_level = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()

    @extend_schema_field(serializers.JSONField())
    def get_pillars(self, grouping):
        summary = pillars.summarize(pillars.checklist(grouping))
        return {"met": summary.met, "total": summary.total, "text": summary.text}

    def get_next_level(self, grouping) -> str | None:
        return groupings.NEXT_LEVEL.get(grouping.grouping_level)

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, grouping):
        return CriterionSerializer(groupings.evaluate_level(grouping), many=True).data


class PackCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    contacts = serializers.ListField(child=serializers.UUIDField(), min_length=1)
    organization = serializers.UUIDField(required=False, help_text="Staff only: the founding member.")


class MemberAddSerializer(serializers.Serializer):
    organization = serializers.UUIDField(help_text="The member (organisation uuid) taken in.")
    role = serializers.ChoiceField(
        choices=[("coordinator", "coordinator"), ("project_lead", "project lead"), ("member", "member")],
        default="member",
    )


class PillarItemSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:pillaritem-detail", lookup_field="uuid")
    grouping = serializers.SlugRelatedField(source="partnership", slug_field="uuid", read_only=True)
    label = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=PillarStatus.choices)
    assessed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PillarItem
        fields = [
            "uuid",
            "url",
            "grouping",
            "key",
            "kind",
            "label",
            "status",
            "evidence",
            "assessed_by",
            "assessed_at",
        ]
        read_only_fields = ["uuid", "key", "kind", "assessed_at"]
