"""Advice API: a grouping's assessment and recommendation, the model choice, playbook items and documents,
and the term sheet download. Rows come from ``visible_to`` (another organisation's grouping is a 404);
writes go through ``assessments`` and ``playbooks`` (a forbidden action is a 403)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from meute.collaboration import assessments as workflow
from meute.collaboration import playbooks, termsheet
from meute.collaboration.api.serializers import (
    AdoptSerializer,
    AdviceStatusSerializer,
    AnswerSerializer,
    AssessmentResponseSerializer,
    ModelDecisionSerializer,
    PlaybookDocumentSerializer,
    PlaybookItemSerializer,
)
from meute.collaboration.models import (
    AssessmentResponse,
    ModelDecision,
    PlaybookItem,
)
from meute.groupings.groupings import groupings_for
from meute.lib.api_errors import workflow_caller
from meute.lib.api_views import UUID_PATTERN
from meute.partnerships.models import Partnership


class AdvicePermission(permissions.BasePermission):
    """Signed-in users; what each may do is decided by ``assessments`` and ``playbooks`` (403)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


_validated = workflow_caller()


def _call(function, *args, **kwargs):
    """The workflow's refusals: 400 for bad input, 403 with the workflow's own message."""
    try:
        return _validated(function, *args, **kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc


# --- serializers -----------------------------------------------------------------------------------------


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
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ): OpenApiTypes.BINARY,
            (200, "text/markdown"): OpenApiTypes.STR,
        },
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
        responses={201: PlaybookDocumentSerializer},
    )
    @action(detail=True, methods=["post"])
    def documents(self, request, uuid=None):
        item = self.get_object()
        serializer = PlaybookDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = _call(playbooks.add_document, request.user, item, **serializer.validated_data)
        return Response(PlaybookDocumentSerializer(document).data, status=201)


@extend_schema(tags=["groupings"])
class ModelDecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """The models each grouping adopted, with what the advisor recommended at the time."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    permission_classes = [AdvicePermission]
    serializer_class = ModelDecisionSerializer

    def get_queryset(self):
        return ModelDecision.objects.visible_to(self.request.user).select_related("partnership", "decided_by")
