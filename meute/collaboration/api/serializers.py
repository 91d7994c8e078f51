from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.forms import MODEL_CHOICES
from meute.collaboration.models import AssessmentResponse, ModelDecision, PlaybookDocument, PlaybookItem
from meute.core.models import Organization, Person

MODEL_HELP = "One of: " + ", ".join(value for value, _label in MODEL_CHOICES if value)


class AssessmentResponseSerializer(serializers.ModelSerializer):
    grouping = serializers.SlugRelatedField(source="round.partnership", slug_field="uuid", read_only=True)
    round = serializers.IntegerField(source="round.number", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AssessmentResponse
        fields = [
            "uuid",
            "grouping",
            "round",
            "organization",
            "organization_name",
            "answers",
            "submitted_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    member = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The member answering (staff editors only); a partner user answers for their own."),
    )
    answers = serializers.DictField(
        child=serializers.CharField(), help_text=_("Question key → option key, for every question.")
    )


class AdoptSerializer(serializers.Serializer):
    # A plain string (validated by ``adopt_model``): the collaboration models are one enum in the schema.
    model = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Empty: the recommended model.")
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DisagreementSerializer(serializers.Serializer):
    axis = serializers.CharField()
    label = serializers.CharField()
    levels = serializers.DictField(child=serializers.IntegerField())
    spread = serializers.IntegerField()


class RecommendationSerializer(serializers.Serializer):
    model = serializers.CharField()
    model_label = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    next_model = serializers.CharField(allow_null=True)
    next_model_label = serializers.CharField()
    next_requirements = serializers.ListField(child=serializers.CharField())
    disagreements = DisagreementSerializer(many=True)


class AdviceStatusSerializer(serializers.Serializer):
    grouping = serializers.UUIDField()
    collaboration_model = serializers.CharField()
    round = serializers.IntegerField(allow_null=True)
    answered = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    recommendation = RecommendationSerializer(allow_null=True)
    playbook = serializers.DictField()


class PlaybookDocumentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(
        write_only=True, required=False, help_text=_("A file to upload (multipart).")
    )
    download = serializers.SerializerMethodField(help_text=_("Where an uploaded file is downloaded."))

    class Meta:
        model = PlaybookDocument
        fields = ["uuid", "title", "version", "url", "file", "download", "created_at"]
        read_only_fields = ["uuid", "version", "created_at"]
        extra_kwargs = {
            "url": {"required": False},
            "version": {
                "help_text": _("1 for a new title; posting again under the same title adds the next version.")
            },
        }

    def get_download(self, document) -> str | None:
        if not document.file:
            return None
        return reverse(
            "groupings:playbook-document-download",
            kwargs={"uuid": document.item.partnership.uuid, "document": document.uuid},
        )


class PlaybookItemSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:playbookitem-detail", lookup_field="uuid")
    grouping = serializers.SlugRelatedField(source="partnership", slug_field="uuid", read_only=True)
    title = serializers.CharField(read_only=True)
    guidance = serializers.SerializerMethodField()
    required = serializers.SerializerMethodField()
    # Any organisation or person by key: ``playbooks.update_item`` accepts only the grouping's members.
    owner_organization = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Organization.objects.all(), required=False, allow_null=True
    )
    owner_person = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Person.objects.all(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=PlaybookItemStatus.choices, required=False)
    documents = PlaybookDocumentSerializer(many=True, read_only=True)
    model = serializers.CharField(read_only=True, help_text=MODEL_HELP)

    class Meta:
        model = PlaybookItem
        fields = [
            "uuid",
            "url",
            "grouping",
            "model",
            "key",
            "title",
            "guidance",
            "required",
            "status",
            "owner_organization",
            "owner_person",
            "rate_percent",
            "notes",
            "not_applicable_reason",
            "documents",
            "updated_at",
        ]
        read_only_fields = ["uuid", "model", "key", "updated_at"]

    def get_guidance(self, item) -> str:
        return str(item.entry.guidance) if item.entry else ""

    def get_required(self, item) -> bool:
        return bool(item.entry.required) if item.entry else True


class ModelDecisionSerializer(serializers.ModelSerializer):
    grouping = serializers.SlugRelatedField(source="partnership", slug_field="uuid", read_only=True)
    recommended_model = serializers.CharField(read_only=True, help_text=MODEL_HELP)
    chosen_model = serializers.CharField(read_only=True, help_text=MODEL_HELP)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ModelDecision
        fields = [
            "uuid",
            "grouping",
            "recommended_model",
            "chosen_model",
            "reason",
            "decided_by",
            "created_at",
        ]
        read_only_fields = fields
