"""Advice API: a grouping's assessment and recommendation, the model choice, playbook items and documents,
and the term sheet download. Rows come from ``visible_to`` (another organisation's grouping is a 404);
writes go through ``advice_workflow`` and ``playbooks`` (a forbidden action is a 403)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from meute.core.models import Organization, Person
from meute.lib.api_errors import workflow_caller
from meute.lib.api_views import UUID_PATTERN
from meute.partnerships.models import Partnership

from .. import advice_workflow as workflow
from .. import playbooks, termsheet
from ..forms_advice import MODEL_CHOICES
from ..groupings import groupings_for
from ..models import AssessmentResponse, ModelDecision, PlaybookDocument, PlaybookItem, PlaybookItemStatus


class AdvicePermission(permissions.BasePermission):
    """Signed-in users; what each may do is decided by ``advice_workflow`` and ``playbooks`` (403)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


MODEL_HELP = "One of: " + ", ".join(value for value, _label in MODEL_CHOICES if value)


_validated = workflow_caller()


def _call(function, *args, **kwargs):
    """The workflow's refusals: 400 for bad input, 403 with the workflow's own message."""
    try:
        return _validated(function, *args, **kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc


# --- serializers -----------------------------------------------------------------------------------------


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


# --- viewsets --------------------------------------------------------------------------------------------


@extend_schema(tags=["groupings"])
class GroupingAdviceViewSet(viewsets.GenericViewSet):
    """A grouping's advice: the assessment status and recommendation, answering, adopting, the term sheet."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    permission_classes = [AdvicePermission]
    serializer_class = AdviceStatusSerializer

    def get_queryset(self):
        return groupings_for(self.request.user)

    def _status_body(self, grouping):
        status = workflow.advice_status(grouping)
        recommendation = None
        if status.recommendation is not None:
            r = status.recommendation
            recommendation = {
                "model": r.model,
                "model_label": r.model_label,
                "reasons": r.reasons,
                "next_model": r.next_model,
                "next_model_label": r.next_model_label,
                "next_requirements": r.next_requirements,
                "disagreements": [d.__dict__ for d in r.disagreements],
            }
        summary = playbooks.progress(playbooks.items_for(grouping))
        return {
            "grouping": grouping.uuid,
            "collaboration_model": grouping.collaboration_model,
            "round": status.round.number if status.round else None,
            "answered": [str(o.uuid) for o in status.answered],
            "missing": [str(o.uuid) for o in status.missing],
            "recommendation": recommendation,
            "playbook": {
                "total": summary.total,
                "settled": summary.closed,
                "done": summary.done,
                "required_open": summary.required_open,
                "percent": summary.percent,
            },
        }

    @extend_schema(summary="Read a grouping's assessment status and recommendation")
    def retrieve(self, request, uuid=None):
        return Response(AdviceStatusSerializer(self._status_body(self.get_object())).data)

    @extend_schema(
        summary="Answer the involvement assessment",
        description="Every question must be answered; a partner user answers for their own organisation.",
        request=AnswerSerializer,
        responses={201: AssessmentResponseSerializer},
    )
    @action(detail=True, methods=["post"])
    def assessment(self, request, uuid=None):
        grouping = self.get_object()
        serializer = AnswerSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        member = serializer.validated_data["member"]
        if member is None:
            allowed = workflow.answerable_organizations(request.user, grouping)
            if not allowed or len(allowed) > 1:
                if not allowed:
                    raise PermissionDenied
                raise ValidationError({"member": [_("Say which member you answer for.")]})
            member = allowed[0]
        response = _call(
            workflow.submit_assessment, request.user, grouping, member, serializer.validated_data["answers"]
        )
        return Response(AssessmentResponseSerializer(response).data, status=201)

    @extend_schema(
        summary="Adopt a collaboration model",
        description="The coordinator (or staff) adopts the recommended model or another; its playbook is "
        "created.",
        request=AdoptSerializer,
        responses=AdviceStatusSerializer,
    )
    @action(detail=True, methods=["post"])
    def adopt(self, request, uuid=None):
        grouping = self.get_object()
        serializer = AdoptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _call(workflow.adopt_model, request.user, grouping, **serializer.validated_data)
        grouping = Partnership.objects.get(pk=grouping.pk)
        return Response(AdviceStatusSerializer(self._status_body(grouping)).data)

    @extend_schema(
        summary="Open a new assessment round",
        description="The coordinator (or staff) closes the current round; every member answers again.",
        request=None,
        responses=AdviceStatusSerializer,
    )
    @action(detail=True, methods=["post"], url_path="new-round")
    def new_round(self, request, uuid=None):
        grouping = self.get_object()
        _call(workflow.open_new_round, request.user, grouping)
        return Response(AdviceStatusSerializer(self._status_body(grouping)).data)

    @extend_schema(
        summary="Download the term sheet",
        parameters=[
            OpenApiParameter("language", str, enum=list(termsheet.LANGUAGES), default="fr"),
            OpenApiParameter("file_format", str, enum=list(termsheet.FORMATS), default="pdf"),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="term-sheet")
    def term_sheet(self, request, uuid=None):
        grouping = self.get_object()
        language = request.query_params.get("language", "fr")
        fmt = request.query_params.get("file_format", "pdf")
        errors = {}
        if language not in termsheet.LANGUAGES:
            errors["language"] = [_("Choose fr or en.")]
        if fmt not in termsheet.FORMATS:
            errors["file_format"] = [_("Choose pdf, docx or md.")]
        if errors:
            raise ValidationError(errors)
        content, content_type, filename = termsheet.render(grouping, language, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@extend_schema(tags=["groupings"])
class AssessmentResponseViewSet(viewsets.ReadOnlyModelViewSet):
    """Answers: a member sees their own, the coordinator and staff see every member's."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    permission_classes = [AdvicePermission]
    serializer_class = AssessmentResponseSerializer

    def get_queryset(self):
        queryset = AssessmentResponse.objects.visible_to(self.request.user).select_related(
            "round__partnership", "organization", "submitted_by"
        )
        grouping = self.request.query_params.get("grouping")
        if grouping:
            queryset = queryset.filter(round__partnership__uuid=grouping)
        return queryset.order_by("round__partnership__name", "-round__number", "organization__name")

    @extend_schema(parameters=[OpenApiParameter("grouping", OpenApiTypes.UUID)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["groupings"])
class PlaybookItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Playbook items of the visible groupings; the coordinator, staff editors or the owner change them."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    permission_classes = [AdvicePermission]
    serializer_class = PlaybookItemSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = (
            PlaybookItem.objects.visible_to(self.request.user)
            .select_related("partnership", "owner_organization", "owner_person")
            .prefetch_related("documents")
        )
        grouping = self.request.query_params.get("grouping")
        if grouping:
            queryset = queryset.filter(partnership__uuid=grouping)
        return queryset.order_by("partnership__name", "model", "position")

    @extend_schema(parameters=[OpenApiParameter("grouping", OpenApiTypes.UUID)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_update(self, serializer):
        item = serializer.instance
        changes = {name: value for name, value in serializer.validated_data.items()}
        serializer.instance = _call(playbooks.update_item, self.request.user, item, **changes)

    @extend_schema(
        summary="Add a document to an item",
        description="An uploaded file (multipart/form-data, field `file`) or a link (`url`), with a title.",
        request={
            "multipart/form-data": PlaybookDocumentSerializer,
            "application/json": PlaybookDocumentSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def documents(self, request, uuid=None):
        item = self.get_object()
        serializer = PlaybookDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = _call(playbooks.add_document, request.user, item, **serializer.validated_data)
        return Response(PlaybookDocumentSerializer(document).data, status=201)


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


@extend_schema(tags=["groupings"])
class ModelDecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """The models each grouping adopted, with what the advisor recommended at the time."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    permission_classes = [AdvicePermission]
    serializer_class = ModelDecisionSerializer

    def get_queryset(self):
        return ModelDecision.objects.visible_to(self.request.user).select_related("partnership", "decided_by")


def register(router):
    """Register this area's viewsets."""
    router.register("grouping-advice", GroupingAdviceViewSet, basename="groupingadvice")
    router.register("assessment-responses", AssessmentResponseViewSet, basename="assessmentresponse")
    router.register("playbook-items", PlaybookItemViewSet, basename="playbookitem")
    router.register("model-decisions", ModelDecisionViewSet, basename="modeldecision")
