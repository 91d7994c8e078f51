"""Enablement API: thin viewsets over the domain functions (``learning``, ``journeys``, ``certifications``).
Rows come from ``visible_to``: another partner's records are 404; a partner's writes go through the same
rules as the pages (its own people, its own side's steps, the learner's own attempts)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from meute.lib.api_views import VisibleModelViewSet, crud_schema

from .. import contacts, journeys, learning
from ..models import (
    Certification,
    ContentItem,
    Course,
    CourseSession,
    Enrolment,
    Journey,
    JourneyStep,
    Module,
    ModuleFeedback,
    PersonCertification,
    Quiz,
    QuizAttempt,
    SessionRegistration,
    SupportContact,
)
from ..portal import facts_for
from . import serializers


class ReadVisibleMixin:
    lookup_field = "uuid"

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


@crud_schema(
    "certified people",
    "a certified person",
    "People of each partner holding a certification per role (earned here, imported or entered), counted "
    "by tier requirements while valid. Partner users see their own organisation's.",
)
class PersonCertificationViewSet(VisibleModelViewSet):
    model = PersonCertification
    serializer_class = serializers.PersonCertificationSerializer
    select_related = ("person", "certification")
    filterset_fields = ["role", "source"]


@crud_schema(
    "certifications", "a certification", "Certifications Meute awards when their courses are completed."
)
class CertificationViewSet(VisibleModelViewSet):
    model = Certification
    serializer_class = serializers.CertificationSerializer
    prefetch_related = ("courses",)


@crud_schema("courses", "a course", "Partner users see the published courses meant for their organisation.")
class CourseViewSet(VisibleModelViewSet):
    model = Course
    serializer_class = serializers.CourseSerializer
    prefetch_related = ("modules__quiz",)
    filterset_fields = ["language", "is_published"]


class EnrolmentViewSet(ReadVisibleMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enrolments of the people the user may see; a partner enrols its own people (itself by default)."""

    model = Enrolment
    serializer_class = serializers.EnrolmentSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("course", "person")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not Course.objects.visible_to(request.user).filter(pk=data["course"].pk).exists():
            raise NotFound
        enrolment = learning.enrol(
            request.user, data["course"], data.get("person"), due_date=data.get("due_date")
        )
        return Response(self.get_serializer(enrolment).data, status=status.HTTP_201_CREATED)


class QuizAttemptViewSet(ReadVisibleMixin, viewsets.ReadOnlyModelViewSet):
    """A learner's quiz attempts: start one (questions drawn, answers never marked), submit it once."""

    model = QuizAttempt
    serializer_class = serializers.QuizAttemptSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("quiz__module")

    @extend_schema(request=serializers.AttemptStartSerializer, responses=serializers.QuizAttemptSerializer)
    @action(detail=False, methods=["post"])
    def start(self, request):
        data = serializers.AttemptStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        module = Module.objects.visible_to(request.user).filter(uuid=data.validated_data["module"]).first()
        quiz = Quiz.objects.filter(module=module).first() if module else None
        if quiz is None:
            raise NotFound
        person = learning.learner_of(request.user)
        enrolment = Enrolment.objects.open().filter(course_id=module.course_id, person=person).first()
        if enrolment is None:
            raise PermissionDenied("Enrol in the course first.")
        attempt = learning.start_attempt(request.user, enrolment, quiz)
        return Response(self.get_serializer(attempt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.AttemptSubmitSerializer, responses=serializers.QuizAttemptSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, uuid=None):
        attempt = self.get_object()
        answers = request.data.get("answers") if isinstance(request.data, dict) else None
        attempt = learning.submit_attempt(request.user, attempt, answers if answers is not None else [])
        return Response(self.get_serializer(attempt).data)


class JourneyViewSet(ReadVisibleMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Onboarding journeys; editors start one for a partnership (its template, or the one that fits)."""

    model = Journey
    serializer_class = serializers.JourneySerializer

    def get_queryset(self):
        return super().get_queryset().select_related("partnership", "template")

    def create(self, request, *args, **kwargs):
        if not request.user.can_edit_all:
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        journey = journeys.start_journey(
            serializer.validated_data["partnership"], serializer.validated_data.get("template")
        )
        return Response(self.get_serializer(journey).data, status=status.HTTP_201_CREATED)


class JourneyStepViewSet(ReadVisibleMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Steps of the journeys the user may see; their owner side (or the operator) updates status and
    evidence."""

    model = JourneyStep
    serializer_class = serializers.JourneyStepSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("journey", "owner")

    def partial_update(self, request, *args, **kwargs):
        step = self.get_object()
        serializer = self.get_serializer(step, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            step = journeys.update_step(
                request.user,
                step,
                status=serializer.validated_data.get("status", step.status),
                evidence=serializer.validated_data.get("evidence", ""),
            )
        return Response(self.get_serializer(step).data)


@crud_schema(
    "library items",
    "a library item",
    "Documents, procedures, programme reminders, promotions and announcements; partner users see the "
    "published ones meant for them.",
)
class ContentItemViewSet(VisibleModelViewSet):
    model = ContentItem
    serializer_class = serializers.ContentItemSerializer
    filterset_fields = ["kind", "language"]


class ModuleFeedbackViewSet(ReadVisibleMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = ModuleFeedback
    serializer_class = serializers.ModuleFeedbackSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("module")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        module = serializer.validated_data["module"]
        if not Module.objects.visible_to(request.user).filter(pk=module.pk).exists():
            raise NotFound
        feedback = learning.give_feedback(
            request.user,
            module,
            serializer.validated_data["rating"],
            serializer.validated_data.get("comment", ""),
        )
        return Response(self.get_serializer(feedback).data, status=status.HTTP_201_CREATED)


class CourseSessionViewSet(ReadVisibleMixin, viewsets.ReadOnlyModelViewSet):
    model = CourseSession
    serializer_class = serializers.CourseSessionSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("course")


class SessionRegistrationViewSet(ReadVisibleMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = SessionRegistration
    serializer_class = serializers.SessionRegistrationSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("session", "person")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = serializer.validated_data["session"]
        if not CourseSession.objects.visible_to(request.user).filter(pk=session.pk).exists():
            raise NotFound
        registration = learning.register(request.user, session, serializer.validated_data.get("person"))
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)


@crud_schema(
    "support contacts",
    "a support contact",
    "Whom a partner calls at the vendor, and for what. Staff editors manage them; a partner user reads its "
    "partnerships' own contacts and the programme-wide defaults whose audience includes it.",
)
class SupportContactViewSet(VisibleModelViewSet):
    model = SupportContact
    serializer_class = serializers.SupportContactSerializer
    filterset_fields = ["kind", "is_active"]
    select_related = ("partnership",)
    prefetch_related = ("tiers", "territories")

    @extend_schema(
        summary="Contacts to call, per partnership",
        description="Each partnership the reader sees (50 at most) with the contacts to call for it: its "
        "own, then the programme-wide defaults of the roles it does not name.",
        responses=serializers.PartnershipContactsSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="by-partnership", pagination_class=None)
    def by_partnership(self, request):
        groups = contacts.for_reader(request.user, facts_for(request))
        return Response(serializers.PartnershipContactsSerializer(groups, many=True).data)
