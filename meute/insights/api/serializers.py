from rest_framework import serializers

from meute.core.models import Person
from meute.partnerships.models import Partnership

from ..models import GovernanceMeeting, Interaction, Survey


class GovernanceMeetingSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="uuid", queryset=Partnership.objects.all())
    attendees = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Person.objects.all(), many=True, required=False
    )

    class Meta:
        model = GovernanceMeeting
        fields = [
            "uuid",
            "partnership",
            "level",
            "held_on",
            "title",
            "attendees",
            "decisions",
            "actions",
            "created_at",
        ]
        read_only_fields = ["uuid", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["partnership"].queryset = Partnership.objects.visible_to(request.user)


class InteractionSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    partner_contact = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    vendor_contact = serializers.SlugRelatedField(slug_field="uuid", read_only=True)

    class Meta:
        model = Interaction
        fields = [
            "uuid",
            "partnership",
            "occurred_on",
            "kind",
            "initiated_by",
            "department",
            "partner_contact",
            "vendor_contact",
            "summary",
        ]


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = ["uuid", "title", "opens_on", "closes_on", "status"]
        read_only_fields = fields


class ComponentSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    score = serializers.FloatField()
    weight = serializers.FloatField()
    reason = serializers.CharField()
    action = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    components = ComponentSerializer(many=True)
    trend = serializers.ListField(child=serializers.DictField())
