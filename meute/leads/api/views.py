from django.core.exceptions import PermissionDenied
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from meute.leads import workflow
from meute.leads.filters import LeadFilter, OfferFilter
from meute.leads.models import Lead, LeadCapacity, LeadOffer
from meute.lib.api_errors import workflow_caller
from meute.lib.api_views import VisibleModelViewSet, crud_schema

from . import serializers

STATUS_ERRORS = {workflow.WRONG_STATUS, workflow.OFFER_CLOSED}


_call = workflow_caller(STATUS_ERRORS)


@crud_schema(
    "leads",
    "a lead",
    "Staff see every lead with its routing explanation; partner users see only the leads offered to their "
    "organisation, without the routing or other partners.",
)
class LeadViewSet(VisibleModelViewSet):
    model = Lead
    serializer_class = serializers.LeadSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = LeadFilter
    select_related = ("territory", "sector", "partnership", "deal")
    prefetch_related = ("product_lines",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        user = self.request.user
        if user.is_authenticated and user.is_partner_user:
            return serializers.PartnerLeadSerializer
        return serializers.LeadSerializer

    def check_object_permissions(self, request, obj):
        # Closing is decided by the workflow (staff, or the partner the lead was accepted by).
        if self.action == "close":
            return
        super().check_object_permissions(request, obj)

    def perform_create(self, serializer):
        with self._actor():
            serializer.save(created_by=self.request.user)

    def _detail(self, lead):
        lead = self.get_queryset().get(pk=lead.pk)
        return Response(self.get_serializer(lead).data)

    @extend_schema(
        summary="Route (or re-route) a lead",
        description="Offers the lead to the best eligible partner by the routing rules; an open offer is "
        "withdrawn first and that partner skipped. Staff may name the partnership themselves. Staff only.",
        request=serializers.RouteSerializer,
        responses=serializers.LeadSerializer,
    )
    @action(detail=True, methods=["post"])
    def route(self, request, uuid=None):
        lead = self.get_object()
        if not workflow.can_manage(request.user):
            raise PermissionDenied
        serializer = serializers.RouteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partnership = serializer.validated_data["partnership"]
        if partnership is None:
            _call(workflow.route, lead, request.user)
        else:
            _call(workflow.offer_to, lead, partnership, request.user)
        return self._detail(lead)

    @extend_schema(summary="Close a lead", request=serializers.CloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, uuid=None):
        lead = self.get_object()
        serializer = serializers.CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _call(workflow.close, lead, request.user, serializer.validated_data["reason"])
        return self._detail(lead)


@extend_schema(tags=["lead-offers"])
class LeadOfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Offers of leads: a partner user sees the offers made to its own partnerships and answers them."""

    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex
    serializer_class = serializers.LeadOfferSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OfferFilter

    def get_queryset(self):
        return LeadOffer.objects.visible_to(self.request.user).select_related("lead", "partnership")

    def _detail(self, offer, code=status.HTTP_200_OK):
        offer = self.get_queryset().get(pk=offer.pk)
        return Response(self.get_serializer(offer).data, code)

    @extend_schema(summary="Accept a lead offer", request=None, responses=serializers.LeadOfferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, uuid=None):
        offer = self.get_object()
        _call(workflow.accept, offer, request.user)
        return self._detail(offer)

    @extend_schema(
        summary="Decline a lead offer (reason required)",
        request=serializers.DeclineSerializer,
        responses=serializers.LeadOfferSerializer,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, uuid=None):
        offer = self.get_object()
        serializer = serializers.DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _call(workflow.decline, offer, request.user, serializer.validated_data["reason"])
        return self._detail(offer)


@crud_schema(
    "lead capacities",
    "a lead capacity",
    "The maximum open leads of a channel partnership (without a row, the default applies). Partner users "
    "read their own.",
)
class LeadCapacityViewSet(VisibleModelViewSet):
    model = LeadCapacity
    serializer_class = serializers.LeadCapacitySerializer
    select_related = ("partnership",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
