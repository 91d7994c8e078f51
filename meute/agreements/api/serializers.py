from django.utils.translation import gettext as _
from rest_framework import serializers

from meute.agreements.models import Agreement, AgreementAcceptance, AgreementSetting
from meute.core.api.serializers import by_uuid
from meute.core.choices import PartnerType
from meute.lib.api_serializers import TIMESTAMPS, ModelValidatedSerializer
from meute.programs.models import Program


class AgreementSerializer(serializers.ModelSerializer):
    program = by_uuid(Program)
    partner_type = serializers.ChoiceField(choices=PartnerType.choices, required=False, allow_blank=True)
    text_sha256 = serializers.CharField(read_only=True)

    class Meta:
        model = Agreement
        fields = ["uuid", "program", "partner_type", "version", "title", "text", "text_sha256", *TIMESTAMPS]
        read_only_fields = ["uuid", "version", *TIMESTAMPS]


class AcceptanceSerializer(serializers.ModelSerializer):
    agreement = serializers.UUIDField(source="agreement.uuid")
    organization = serializers.UUIDField(source="organization.uuid", required=False)
    program = serializers.UUIDField(source="agreement.program.uuid", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)
    version = serializers.IntegerField()

    class Meta:
        model = AgreementAcceptance
        fields = [
            "uuid",
            "agreement",
            "program",
            "organization",
            "user",
            "signer_name",
            "signer_title",
            "version",
            "accepted_at",
            "ip_address",
            "text_sha256",
        ]
        read_only_fields = ["uuid", "accepted_at", "ip_address", "text_sha256"]
        extra_kwargs = {
            "signer_name": {"required": False, "allow_blank": True},
            "signer_title": {"required": False, "allow_blank": True},
        }


class AgreementSettingSerializer(ModelValidatedSerializer):
    program = by_uuid(Program)

    class Meta:
        model = AgreementSetting
        fields = ["uuid", "program", "gate_features", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]
        validators = []

    def validate(self, attrs):
        program = attrs.get("program")
        others = AgreementSetting.objects.filter(program=program)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if program is not None and others.exists():
            raise serializers.ValidationError(
                {"program": [_("This programme already has its agreement setting: change that one.")]}
            )
        return super().validate(attrs)
