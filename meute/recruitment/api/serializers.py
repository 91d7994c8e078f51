from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from meute.core.api.serializers import by_uuid
from meute.core.models import Organization, ProductLine
from meute.lib.api_serializers import TIMESTAMPS, ModelValidatedSerializer

from .. import attributes, profiles
from ..choices import ProfileKind, Stage
from ..forms import staff_users
from ..models import (
    AttributeDefinition,
    AttributeValue,
    Candidate,
    Competitor,
    CompetitorPartnership,
    CriteriaGroup,
    Criterion,
    QualificationQuestion,
    ScoringProfile,
)
from ..scoring import ScoringError


class AttributeDefinitionSerializer(ModelValidatedSerializer):
    class Meta:
        model = AttributeDefinition
        fields = [
            "uuid",
            "code",
            "label",
            "kind",
            "choices",
            "minimum",
            "maximum",
            "help_text",
            "position",
            "is_active",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", *TIMESTAMPS]

    def validate_kind(self, value):
        if self.instance is not None and value != self.instance.kind:
            raise serializers.ValidationError(_("The kind of an attribute cannot change once created."))
        return value


class AttributeValueSerializer(serializers.ModelSerializer):
    organization = by_uuid(Organization)
    definition = serializers.SlugRelatedField(slug_field="code", queryset=AttributeDefinition.objects.all())
    value = serializers.JSONField()

    class Meta:
        model = AttributeValue
        fields = ["uuid", "organization", "definition", "value", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]

    def validate(self, attrs):
        definition = attrs.get("definition") or self.instance.definition
        try:
            value = attributes.parse(definition, attrs.get("value"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"value": exc.messages}) from None
        if value is None:
            raise serializers.ValidationError(
                {"value": [_("A value is required (delete the row to clear it).")]}
            )
        organization = attrs.get("organization") or self.instance.organization
        if organization.is_operator:
            raise serializers.ValidationError(
                {"organization": [_("The operator has no recruitment profile.")]}
            )
        existing = AttributeValue.objects.filter(organization=organization, definition=definition)
        if self.instance is not None:
            existing = existing.exclude(pk=self.instance.pk)
        if existing.exists():
            raise serializers.ValidationError(
                {"definition": [_("This organisation already has a value for this attribute.")]}
            )
        attrs["value"] = value
        return attrs


class ScoringCriterionSerializer(serializers.Serializer):
    attribute = serializers.CharField(max_length=60)
    weight = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, default=1)
    target = serializers.JSONField(required=False, allow_null=True, default=None)
    scale = serializers.DecimalField(
        max_digits=16, decimal_places=4, required=False, allow_null=True, min_value=Decimal("0.0001")
    )


class CriteriaGroupSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    weight = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, default=1)
    criteria = ScoringCriterionSerializer(many=True)


class ScoringProfileSerializer(ModelValidatedSerializer):
    """A scoring profile with its groups and criteria (written whole: the groups sent replace the old)."""

    references = serializers.SlugRelatedField(
        slug_field="uuid", many=True, required=False, queryset=Organization.objects.filter(is_operator=False)
    )
    groups = CriteriaGroupSerializer(many=True)

    class Meta:
        model = ScoringProfile
        fields = ["uuid", "name", "kind", "description", "references", "groups", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["groups"] = [
            {
                "name": group.name,
                "weight": str(group.weight),
                "criteria": [
                    {
                        "attribute": c.attribute,
                        "weight": str(c.weight),
                        "target": c.target,
                        "scale": c.scale and str(c.scale),
                    }
                    for c in group.criteria.all()
                ],
            }
            for group in instance.groups.prefetch_related("criteria")
        ]
        return data

    def validate(self, attrs):
        groups = attrs.get("groups")
        kind = attrs.get("kind", self.instance.kind if self.instance else ProfileKind.IDEAL)
        references = attrs.get(
            "references", None if self.instance is None else list(self.instance.references.all())
        )
        if kind == ProfileKind.LOOKALIKE and not references:
            raise serializers.ValidationError(
                {"references": [_("A look-alike profile needs at least one reference partner.")]}
            )
        if groups is not None:
            catalogue = profiles.options()
            if not groups or sum(group["weight"] for group in groups) <= 0:
                raise serializers.ValidationError(
                    {"groups": [_("The weights of the groups add up to zero.")]}
                )
            names = [group["name"] for group in groups]
            if len(set(names)) != len(names):
                raise serializers.ValidationError({"groups": [_("Two groups have the same name.")]})
            for group in groups:
                if group["weight"] > 0 and sum(c["weight"] for c in group["criteria"]) <= 0:
                    raise serializers.ValidationError(
                        {
                            "groups": [
                                _("Group “%(group)s” has no weighted criterion.") % {"group": group["name"]}
                            ]
                        }
                    )
                for criterion in group["criteria"]:
                    option = catalogue.get(criterion["attribute"])
                    if option is None:
                        raise serializers.ValidationError(
                            {"groups": [_("Unknown attribute “%(key)s”.") % {"key": criterion["attribute"]}]}
                        )
                    if kind == ProfileKind.IDEAL:
                        self._check_target(option, criterion)
        return super().validate(attrs)

    @staticmethod
    def _check_target(option, criterion):
        from .. import scoring

        target = criterion.get("target")
        column_kinds = {
            scoring.NUMBER: scoring.number_column([1]),
            scoring.CHOICE: scoring.choice_column(option.choices or ["x"]),
        }
        column = column_kinds.get(option.kind) or scoring.pack_sets([[]], option.choices or ["x"])
        if option.choices and target is not None:
            wanted = target if isinstance(target, list) else [target]
            unknown = [value for value in wanted if value not in option.choices]
            if unknown:
                raise serializers.ValidationError(
                    {
                        "groups": [
                            _("Unknown values: %(values)s. Possible: %(choices)s.")
                            % {
                                "values": ", ".join(map(str, unknown)),
                                "choices": ", ".join(map(str, option.choices)),
                            }
                        ]
                    }
                )
        try:
            scoring.similarity_to_target(column, target)
        except (ScoringError, TypeError, ValueError) as exc:
            message = (
                str(exc) if isinstance(exc, ScoringError) else _("This target does not fit the attribute.")
            )
            raise serializers.ValidationError({"groups": [f"{criterion['attribute']}: {message}"]}) from None

    def _write_groups(self, profile, groups):
        profile.groups.all().delete()
        for position, group in enumerate(groups, start=1):
            row = CriteriaGroup.objects.create(
                profile=profile, name=group["name"], weight=group["weight"], position=position
            )
            for criterion in group["criteria"]:
                Criterion.objects.create(group=row, **criterion)

    @transaction.atomic
    def create(self, validated_data):
        groups = validated_data.pop("groups")
        references = validated_data.pop("references", [])
        profile = ScoringProfile.objects.create(created_by=self.context["request"].user, **validated_data)
        profile.references.set(references)
        self._write_groups(profile, groups)
        return profile

    @transaction.atomic
    def update(self, instance, validated_data):
        groups = validated_data.pop("groups", None)
        references = validated_data.pop("references", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save()
        if references is not None:
            instance.references.set(references)
        if groups is not None:
            self._write_groups(instance, groups)
        return instance


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    organization = serializers.UUIDField()
    name = serializers.CharField()
    score = serializers.FloatField()
    contributions = serializers.DictField(child=serializers.FloatField())
    is_reference = serializers.BooleanField()


def ranking_data(ranking) -> list:
    return [
        {
            "rank": index,
            "organization": row.organization.uuid,
            "name": row.organization.name,
            "score": row.score,
            "contributions": dict(row.contributions),
            "is_reference": row.is_reference,
        }
        for index, row in enumerate(ranking.rows, start=1)
    ]


class CandidateSerializer(ModelValidatedSerializer):
    organization = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Organization.objects.filter(is_operator=False)
    )
    owner = serializers.SlugRelatedField(
        slug_field="username", required=False, allow_null=True, queryset=staff_users()
    )
    product_lines = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=ProductLine.objects.all()
    )
    stage = serializers.ChoiceField(choices=Stage.choices, read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "uuid",
            "organization",
            "stage",
            "owner",
            "product_lines",
            "expected_revenue",
            "next_step",
            "next_step_on",
            "outcome_reason",
            "letter_of_intent_on",
            "contract_on",
            *TIMESTAMPS,
        ]
        read_only_fields = [
            "uuid",
            "stage",
            "outcome_reason",
            "letter_of_intent_on",
            "contract_on",
            *TIMESTAMPS,
        ]

    constraint_fields = {"one_open_candidacy_per_organization": "organization"}


class MoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class QualificationQuestionSerializer(ModelValidatedSerializer):
    class Meta:
        model = QualificationQuestion
        fields = ["uuid", "pillar", "text", "weight", "position", "is_active", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]


class GridSerializer(serializers.Serializer):
    """``{"ratings": {question uuid: 0..4 or null}, "comments": {question uuid: text}}``."""

    ratings = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=4, allow_null=True))
    comments = serializers.DictField(
        child=serializers.CharField(max_length=250, allow_blank=True), required=False
    )


class GridResultSerializer(serializers.Serializer):
    """The grid as saved, with its score: per pillar and in total, and how many questions were answered."""

    ratings = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    score = serializers.FloatField(allow_null=True)
    pillars = serializers.DictField(child=serializers.FloatField(allow_null=True))
    answered = serializers.IntegerField()


class CompetitorSerializer(ModelValidatedSerializer):
    class Meta:
        model = Competitor
        fields = ["uuid", "name", "website", "notes", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]


class CompetitorPartnershipSerializer(ModelValidatedSerializer):
    competitor = serializers.SlugRelatedField(slug_field="uuid", queryset=Competitor.objects.all())
    organization = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Organization.objects.filter(is_operator=False)
    )

    class Meta:
        model = CompetitorPartnership
        fields = ["uuid", "competitor", "organization", "level", "source", *TIMESTAMPS]
        read_only_fields = ["uuid", *TIMESTAMPS]
        constraint_fields = {"unique_competitor_partnership": "organization"}


class PotentialSerializer(serializers.Serializer):
    organization = serializers.UUIDField(source="organization.uuid")
    name = serializers.CharField(source="organization.name")
    capacity = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    share = serializers.DecimalField(max_digits=5, decimal_places=2)
    sold = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    potential = serializers.DecimalField(max_digits=16, decimal_places=0)
    by_product = serializers.SerializerMethodField()

    def get_by_product(self, row) -> dict:
        return {line.code: str(amount) for line, amount in row.by_product.items()}
