from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from meute.core.api.serializers import by_code, by_uuid
from meute.core.models import Person, Territory
from meute.lib.api_serializers import TIMESTAMPS, ModelValidatedSerializer
from meute.partnerships.models import Partnership
from meute.programs.models import Tier

from ..contacts import check_audience
from ..models import (
    Certification,
    ContentItem,
    Course,
    CourseSession,
    Enrolment,
    Journey,
    JourneyStep,
    JourneyTemplate,
    Module,
    ModuleFeedback,
    PersonCertification,
    QuizAttempt,
    SessionRegistration,
    SupportContact,
)


class PersonCertificationSerializer(ModelValidatedSerializer):
    """A certified person; ``certification`` is the certification's name (as the programme's API had it)."""

    person = by_uuid(Person)
    certification = serializers.CharField(source="name", max_length=120)
    definition = serializers.SlugRelatedField(
        source="certification",
        slug_field="code",
        queryset=Certification.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Code of the Meute certification it is, if any."),
    )
    constraint_fields = {"unique_person_certification": "certification"}

    class Meta:
        model = PersonCertification
        fields = [
            "uuid",
            "person",
            "certification",
            "definition",
            "role",
            "source",
            "issued_on",
            "renewed_on",
            "valid_until",
            "revoked_on",
            "number",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", "source", "renewed_on", "revoked_on", "number", *TIMESTAMPS]
        validators = []


class CertificationSerializer(ModelValidatedSerializer):
    courses = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Course.objects.all())

    class Meta:
        model = Certification
        fields = [
            "uuid",
            "code",
            "name",
            "description",
            "role",
            "courses",
            "validity_months",
            "is_active",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", *TIMESTAMPS]


class ModuleSummarySerializer(serializers.ModelSerializer):
    has_quiz = serializers.SerializerMethodField()

    class Meta:
        model = Module
        fields = ["uuid", "position", "title", "estimated_minutes", "has_quiz"]

    def get_has_quiz(self, module) -> bool:
        return hasattr(module, "quiz")


class CourseSerializer(ModelValidatedSerializer):
    modules = ModuleSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = [
            "uuid",
            "code",
            "title",
            "summary",
            "language",
            "roles",
            "partner_types",
            "duration_minutes",
            "is_published",
            "modules",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", *TIMESTAMPS]


class EnrolmentSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="uuid", queryset=Course.objects.all())
    person = by_uuid(Person, required=False, help_text=_("Leave out to enrol yourself."))

    class Meta:
        model = Enrolment
        fields = ["uuid", "course", "person", "status", "due_date", "completed_at", *TIMESTAMPS]
        read_only_fields = ["uuid", "status", "completed_at", *TIMESTAMPS]
        # The unique constraint would make ``person`` required; ``learning.enrol`` keeps it and refuses a
        # second enrolment with 409 ``already_enrolled``.
        validators = []


class ChoiceOutSerializer(serializers.Serializer):
    """An answer as the learner sees it: never whether it is right."""

    uuid = serializers.UUIDField()
    text = serializers.CharField()


class QuestionOutSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    text = serializers.CharField()
    kind = serializers.CharField()
    choices = ChoiceOutSerializer(many=True)


class QuizAttemptSerializer(serializers.ModelSerializer):
    module = serializers.UUIDField(source="quiz.module.uuid", read_only=True)
    questions = serializers.SerializerMethodField()

    class Meta:
        model = QuizAttempt
        fields = ["uuid", "module", "number", "submitted_at", "score", "passed", "questions"]
        read_only_fields = fields

    def get_questions(self, attempt) -> list[dict]:
        from ..models import Question

        by_pk = {
            q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
        }
        return QuestionOutSerializer(
            [by_pk[pk] for pk in attempt.question_ids if pk in by_pk], many=True
        ).data


class AttemptStartSerializer(serializers.Serializer):
    module = serializers.UUIDField(help_text=_("The module whose quiz to take."))


class AttemptSubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Question uuid → the uuids of the answers chosen."),
    )


class JourneySerializer(serializers.ModelSerializer):
    partnership = by_uuid(Partnership)
    template = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=JourneyTemplate.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Leave out for the template that fits the partnership."),
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Journey
        fields = [
            "uuid",
            "partnership",
            "template",
            "name",
            "status",
            "started_on",
            "completed_on",
            "progress",
        ]
        read_only_fields = ["uuid", "name", "status", "started_on", "completed_on", "progress"]

    def get_progress(self, journey) -> int:
        from ..journeys import progress_of

        return progress_of(journey.steps.all()).percent


class JourneyStepSerializer(serializers.ModelSerializer):
    journey = serializers.UUIDField(source="journey.uuid", read_only=True)
    owner = serializers.UUIDField(source="owner.uuid", read_only=True, allow_null=True)

    class Meta:
        model = JourneyStep
        fields = [
            "uuid",
            "journey",
            "position",
            "title",
            "description",
            "owner_side",
            "owner",
            "due_date",
            "status",
            "evidence_kind",
            "evidence",
            "completed_on",
            *TIMESTAMPS,
        ]
        read_only_fields = [f for f in fields if f not in ("status", "evidence")]


class ContentItemSerializer(ModelValidatedSerializer):
    latest_file = serializers.SerializerMethodField()

    class Meta:
        model = ContentItem
        fields = [
            "uuid",
            "kind",
            "title",
            "summary",
            "body",
            "link",
            "language",
            "partner_types",
            "publish_at",
            "expires_at",
            "latest_file",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", "latest_file", *TIMESTAMPS]

    def get_latest_file(self, item) -> str | None:
        version = item.versions.order_by("-number").first()
        return version.get_absolute_url() if version else None


class ModuleFeedbackSerializer(serializers.ModelSerializer):
    module = serializers.SlugRelatedField(slug_field="uuid", queryset=Module.objects.all())

    class Meta:
        model = ModuleFeedback
        fields = ["uuid", "module", "rating", "comment", "reply", "replied_at", *TIMESTAMPS]
        read_only_fields = ["uuid", "reply", "replied_at", *TIMESTAMPS]


class CourseSessionSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="uuid", read_only=True)

    class Meta:
        model = CourseSession
        fields = [
            "uuid",
            "course",
            "mode",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "seats",
            "trainer",
        ]
        read_only_fields = fields


class SessionRegistrationSerializer(serializers.ModelSerializer):
    session = serializers.SlugRelatedField(slug_field="uuid", queryset=CourseSession.objects.all())
    person = by_uuid(Person, required=False, help_text=_("Leave out to register yourself."))

    class Meta:
        model = SessionRegistration
        fields = ["uuid", "session", "person", "status", *TIMESTAMPS]
        read_only_fields = ["uuid", "status", *TIMESTAMPS]
        # As for enrolments: ``learning.register`` keeps the constraint (409 ``already_in_session``).
        validators = []


class SupportContactSerializer(ModelValidatedSerializer):
    """Someone of the vendor a partner calls: a partnership's own contact, or a programme-wide default whose
    audience (partner types, tiers, territories; empty for everyone) says which partners see it."""

    partnership = by_uuid(
        Partnership,
        required=False,
        allow_null=True,
        help_text=_("Leave empty for a programme-wide default, shown to the partners of its audience."),
    )
    tiers = by_uuid(Tier, many=True, required=False)
    territories = by_code(Territory, many=True, required=False)
    partnership_name = serializers.CharField(source="partnership.name", read_only=True, allow_null=True)

    class Meta:
        model = SupportContact
        fields = [
            "uuid",
            "partnership",
            "partnership_name",
            "kind",
            "name",
            "email",
            "phone",
            "hours",
            "language",
            "is_active",
            "partner_types",
            "tiers",
            "territories",
            *TIMESTAMPS,
        ]
        read_only_fields = ["uuid", "partnership_name", *TIMESTAMPS]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        current = self.instance

        def value(name, empty):
            if name in attrs:
                return attrs[name]
            if current is None:
                return empty
            field = getattr(current, name)
            return list(field.all()) if hasattr(field, "all") else field

        targeted = bool(value("partner_types", []) or value("tiers", []) or value("territories", []))
        try:
            check_audience(value("partnership", None), targeted)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"non_field_errors": exc.messages}) from exc
        return attrs


class PartnershipContactsSerializer(serializers.Serializer):
    partnership = serializers.UUIDField(source="partnership.uuid")
    partnership_name = serializers.CharField(source="partnership.name")
    contacts = SupportContactSerializer(many=True)
