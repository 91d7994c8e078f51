"""API of the groupings area: member profiles, suggestions, proposals, groupings (charter, level), checklist.

Rows come from ``visible_to(user)``; member profiles opted in to matchmaking can also be read by every
member (``discoverable_by``). Writes go through ``meute.groupings.groupings`` and ``pillars``.
"""

from auditlog.context import set_actor
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from meute.core.models import Organization
from meute.lib.api_errors import error_responses, workflow_caller
from meute.lib.api_serializers import api_errors_from_django
from meute.lib.api_views import UUID_PATTERN, VisibleModelViewSet, crud_schema

from .. import groupings, matching, pillars
from ..models import MatchProposal, MemberProfile, PillarItem
from .serializers import (
    GroupingSerializer,
    MatchProposalSerializer,
    MemberAddSerializer,
    MemberProfileSerializer,
    PackCreateSerializer,
    PillarItemSerializer,
    ProposalCreateSerializer,
    SuggestionSerializer,
)

STATUS_ERRORS = {
    "wrong_status",
    "already_pending",
    "reverse_pending",
    "already_contacts",
    "top_level",
    "criteria_missing",
    "last_coordinator",
    "too_few_parties",
}


_call = workflow_caller(STATUS_ERRORS)


class SignedIn(permissions.BasePermission):
    """Any active signed-in user; what they may change is decided by the workflow (403 otherwise)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


# ---------------------------------------------------------------------------------------------- profiles


@crud_schema(
    "member profiles",
    "a member profile",
    "Staff see every profile; a partner user sees its own and those opted in to matchmaking, and changes "
    "only its own.",
)
class MemberProfileViewSet(VisibleModelViewSet):
    model = MemberProfile
    serializer_class = MemberProfileSerializer
    select_related = ("organization",)
    prefetch_related = ("sectors", "territories")
    filter_backends = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.method in permissions.SAFE_METHODS and self.action != "suggestions":
            queryset = MemberProfile.objects.discoverable_by(self.request.user).select_related("organization")
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset.order_by("organization__name", "pk")

    @extend_schema(
        summary="Suggested partners for a member",
        description="The best members for this one to work with, each with a score and its reasons "
        "(complementarity and affinity, with the matched values). A partner user asks for its own profile.",
        parameters=[OpenApiParameter("limit", int, description="How many (1–50, default 10).")],
        responses=SuggestionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def suggestions(self, request, uuid=None):
        profile = self.get_object()
        try:
            limit = max(1, min(50, int(request.query_params.get("limit", 10))))
        except ValueError as exc:
            raise ValidationError({"limit": [_("Give a whole number.")]}) from exc
        rows = [
            {
                "organization": s.profile.organization_uuid,
                "organization_name": s.profile.organization_name,
                "profile": s.profile.profile_uuid,
                "score": s.score,
                "reasons": s.reasons_as_dicts(),
            }
            for s in matching.suggestions_for(profile, limit=limit)
        ]
        return Response(SuggestionSerializer(rows, many=True).data)


# --------------------------------------------------------------------------------------------- proposals


@extend_schema_view(
    list=extend_schema(
        summary="List proposals", description="A partner user sees the proposals it is party to."
    ),
    retrieve=extend_schema(summary="Read a proposal"),
)
class MatchProposalViewSet(VisibleModelViewSet):
    model = MatchProposal
    serializer_class = MatchProposalSerializer
    select_related = ("proposer", "recipient", "proposed_by")
    permission_classes = [SignedIn]
    filter_backends = []
    http_method_names = ["get", "post", "head", "options"]

    def _detail(self, proposal, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data, code)

    @extend_schema(
        summary="Propose to a member",
        request=ProposalCreateSerializer,
        responses={201: MatchProposalSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = ProposalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        profile = (
            MemberProfile.objects.discoverable_by(request.user)
            .filter(organization__uuid=data["recipient"], is_visible=True)
            .select_related("organization")
            .first()
        )
        if profile is None:
            raise ValidationError({"recipient": [_("This member does not take part in matchmaking.")]})
        proposer = None
        if data.get("proposer"):
            proposer = Organization.objects.visible_to(request.user).filter(uuid=data["proposer"]).first()
            if proposer is None:
                raise ValidationError({"proposer": [_("No such member.")]})
        with self._actor():
            proposal = _call(groupings.propose, request.user, profile.organization, data["message"], proposer)
        return self._detail(proposal, status.HTTP_201_CREATED)

    def _act(self, function):
        proposal = self.get_object()
        with self._actor():
            proposal = _call(function, proposal, self.request.user)
        return self._detail(proposal)

    @extend_schema(summary="Accept a proposal (its recipient)", request=None)
    @action(detail=True, methods=["post"])
    def accept(self, request, uuid=None):
        return self._act(groupings.accept)

    @extend_schema(summary="Decline a proposal (its recipient)", request=None)
    @action(detail=True, methods=["post"])
    def decline(self, request, uuid=None):
        return self._act(groupings.decline)

    @extend_schema(summary="Withdraw a proposal (its proposer)", request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, uuid=None):
        return self._act(groupings.withdraw)


# --------------------------------------------------------------------------------------------- groupings


class SteeringPermission(SignedIn):
    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        partnership = obj if not isinstance(obj, PillarItem) else obj.partnership
        return groupings.can_steer(request.user, partnership)


@extend_schema_view(
    list=extend_schema(summary="List groupings", description="A partner user sees its own groupings."),
    retrieve=extend_schema(summary="Read a grouping"),
    partial_update=extend_schema(summary="Update the charter of a grouping (coordinator or staff)"),
)
class GroupingViewSet(viewsets.GenericViewSet):
    serializer_class = GroupingSerializer
    permission_classes = [SteeringPermission]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # The charter, the seats and the checklist come with the page: a fixed number of queries whatever
        # the number of groupings (pillars.checklist and groupings.evaluate_level use what is loaded).
        return (
            groupings.groupings_for(self.request.user)
            .select_related("charter")
            .prefetch_related("parties__organization", "pillar_items")
            .order_by("name", "pk")
        )

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, uuid=None):
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, uuid=None):
        grouping = self.get_object()
        serializer = self.get_serializer(grouping, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.update(values.pop("charter", {}))
        with set_actor(request.user):
            _call(groupings.update_charter, grouping, request.user, **values)
        return Response(self.get_serializer(self.get_queryset().get(pk=grouping.pk)).data)

    @extend_schema(
        summary="Form a pack with accepted contacts",
        request=PackCreateSerializer,
        responses={201: GroupingSerializer},
    )
    def create(self, request):
        serializer = PackCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        founder = None
        if data.get("organization"):
            founder = Organization.objects.visible_to(request.user).filter(uuid=data["organization"]).first()
            if founder is None:
                raise ValidationError({"organization": [_("No such member.")]})
        contacts = list(Organization.objects.filter(uuid__in=data["contacts"]))
        if len(contacts) != len(set(data["contacts"])):
            raise ValidationError({"contacts": [_("Only members who accepted a proposal can join.")]})
        try:
            partnership = groupings.form_pack(request.user, contacts, data["name"], founder)
        except DjangoValidationError as exc:
            raise ValidationError(api_errors_from_django(exc)) from exc
        return Response(
            self.get_serializer(self.get_queryset().get(pk=partnership.pk)).data, status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Take a member into the grouping (coordinator or staff)",
        description="The one way into an existing grouping (the generic /api/partnership-parties/ refuses "
        "groupings with 409, code `grouping_membership`). A coordinator takes in members who take part in "
        "matchmaking; staff editors any partner organisation. 400 with the reason otherwise.",
        request=MemberAddSerializer,
        responses={201: GroupingSerializer},
    )
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, uuid=None):
        grouping = self.get_object()
        payload = MemberAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        organization = Organization.objects.filter(uuid=payload.validated_data["organization"]).first()
        if organization is None:
            raise ValidationError({"organization": [_("No such member.")]})
        with set_actor(request.user):
            _call(groupings.add_member, grouping, request.user, organization, payload.validated_data["role"])
        return Response(
            self.get_serializer(self.get_queryset().get(pk=grouping.pk)).data, status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Move the grouping up one level (all criteria met)",
        description="Refused with 409: code `top_level` at the highest level, code `criteria_missing` while "
        "criteria of the next level are unmet; `details.missing` lists them (`key`, `label`, `current`).",
        request=None,
        responses={
            200: GroupingSerializer,
            **error_responses(r409="Refused: the reason and what is missing."),
        },
    )
    @action(detail=True, methods=["post"], url_path="move-up")
    def move_up(self, request, uuid=None):
        grouping = self.get_object()
        _call(groupings.move_up, grouping, request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=grouping.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="List pillar checklist items",
        parameters=[OpenApiParameter("grouping", str, description="UUID of one grouping.")],
    ),
    retrieve=extend_schema(summary="Read a pillar checklist item"),
    partial_update=extend_schema(summary="Assess a checklist item (coordinator or staff)"),
)
class PillarItemViewSet(VisibleModelViewSet):
    model = PillarItem
    serializer_class = PillarItemSerializer
    permission_classes = [SteeringPermission]
    select_related = ("partnership", "assessed_by")
    filter_backends = []
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset().order_by("partnership__name", "partnership_id", "position")
        grouping = self.request.query_params.get("grouping")
        if grouping:
            try:
                queryset = queryset.filter(partnership__uuid=grouping)
            except DjangoValidationError as exc:
                raise ValidationError({"grouping": [_("Give a valid identifier.")]}) from exc
        return queryset

    def partial_update(self, request, uuid=None):
        item = self.get_object()
        serializer = self.get_serializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        with self._actor():
            _call(
                pillars.assess,
                item,
                request.user,
                values.get("status", item.status),
                values.get("evidence", item.evidence),
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)
